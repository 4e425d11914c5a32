package dev.companion.chat.client;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** However the network cuts the bytes (even inside a UTF-8 character), the same lines come out. */
class SseLineDecoderTest {

    @Property(tries = 300)
    void anySplitYieldsTheSameLines(@ForAll @Size(max = 8) List<@StringLength(max = 30) String> texts,
                                    @ForAll @IntRange(min = 1, max = 7) int piece, @ForAll boolean crlf) {
        List<String> lines = texts.stream().map(t -> t.replace("\n", " ").replace("\r", " ") + "ü€").toList();
        StringBuilder wire = new StringBuilder();
        for (String l : lines) {
            wire.append(l).append(crlf ? "\r\n" : "\n");
        }
        byte[] bytes = wire.toString().getBytes(StandardCharsets.UTF_8);
        SseLineDecoder decoder = new SseLineDecoder();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += piece) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + piece));
            out.addAll(decoder.feed(part));
        }
        assertEquals(lines, out);
        assertEquals(null, decoder.rest());
    }
}
