package dev.companion.chat.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a byte stream into lines ({@code \n} or {@code \r\n}), keeping a partial line (and a UTF-8
 * character cut between two network buffers) until its end arrives.
 */
final class SseLineDecoder {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    List<String> feed(byte[] bytes) {
        List<String> lines = new ArrayList<>();
        for (byte b : bytes) {
            if (b == '\n') {
                byte[] line = pending.toByteArray();
                pending.reset();
                int len = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
                lines.add(new String(line, 0, len, StandardCharsets.UTF_8));
            } else {
                pending.write(b);
            }
        }
        return lines;
    }

    /** The unterminated last line, if any. */
    String rest() {
        return pending.size() == 0 ? null : pending.toString(StandardCharsets.UTF_8);
    }
}
