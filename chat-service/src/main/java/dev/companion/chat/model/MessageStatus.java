package dev.companion.chat.model;

/** Status values of {@link Message#status}. */
public final class MessageStatus {
    public static final String SENDING = "sending";
    public static final String SENT = "sent";
    public static final String STREAMING = "streaming";
    public static final String COMPLETE = "complete";
    public static final String ERROR = "error";
    public static final String CANCELLED = "cancelled";

    private MessageStatus() {
    }
}
