package dev.companion.gateway.support;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte on a socket: the request target goes out exactly as given (every
 * client library normalises paths, percent-escapes or header values one way or another).
 */
public final class RawHttp {

    /** One answer: status, headers (lower-case names, last wins) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {

        public JsonObject json() {
            return new JsonObject(body);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private RawHttp() {
    }

    /** Sends {@code method target} with {@code headers} (each "Name: value") and an optional body; reads to EOF. */
    public static Answer send(URI gateway, String method, String target, String body, String... headers) {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(15_000);
            StringBuilder head = new StringBuilder()
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(gateway.getHost()).append(':').append(gateway.getPort()).append("\r\n")
                    .append("Connection: close\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                head.append("Content-Length: ").append(payload.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + abbreviate(target) + " failed", e);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
            }
        } catch (java.net.SocketException e) {
            // the server may reset after answering (Connection: close with an unread body)
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer: " + abbreviate(text));
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < chunked.length()) {
            int eol = chunked.indexOf("\r\n", pos);
            int size = Integer.parseInt(chunked.substring(pos, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            pos = eol + 2 + size + 2;
        }
        return out.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
