package dev.companion.chat.client;

/** The typed key-pool errors of seed 003 ({@code chatgpt:pool:*}) and the message.error code each becomes. */
public enum PoolErrorType {
    ACCOUNT_ON_COOLDOWN("chatgpt:pool:account-on-cooldown", "rate_limit"),
    RATE_LIMIT("chatgpt:pool:rate-limit", "rate_limit"),
    NO_ACCOUNTS("chatgpt:pool:no-accounts", "no_accounts"),
    TIMEOUT("chatgpt:pool:timeout", "timeout"),
    UNAVAILABLE("chatgpt:pool:unavailable", "provider_unavailable");

    private final String type;
    private final String messageErrorCode;

    PoolErrorType(String type, String messageErrorCode) {
        this.type = type;
        this.messageErrorCode = messageErrorCode;
    }

    public String type() {
        return type;
    }

    public String messageErrorCode() {
        return messageErrorCode;
    }
}
