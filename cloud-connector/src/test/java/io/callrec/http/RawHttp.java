package io.callrec.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x exchanges written byte for byte over a socket on 127.0.0.1: requests that no client library would send
 * (broken escapes, bare CR, absolute-form targets, HTTP/1.0, odd methods). One request per connection; the answer
 * is read until its Content-Length is complete or the server closes the connection.
 */
public final class RawHttp {
    private static final int TIMEOUT_MS = 10_000;

    private RawHttp() {
    }

    /**
     * One response as received.
     *
     * @param head    the status line and header lines, without the blank line
     * @param headers name and value of each header line, in order (names as sent)
     * @param body    the body, de-chunked when the server chunked it
     */
    public record Response(int status, String head, List<Map.Entry<String, String>> headers, byte[] body) {
        /** The first value of the header (case-insensitive name), or null. */
        public String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        public List<String> headers(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Head and body, for assertion messages and for "must not contain" checks over everything sent. */
        public String text() {
            return head + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** {@code METHOD target HTTP/1.1} with {@code Host} and {@code Connection: close}, plus {@code headerLines}. */
    public static Response request(int port, String method, String target, String... headerLines) {
        StringBuilder r = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (String line : headerLines) {
            r.append(line).append("\r\n");
        }
        return exchange(port, r.append("Connection: close\r\n\r\n").toString());
    }

    public static Response get(int port, String target, String... headerLines) {
        return request(port, "GET", target, headerLines);
    }

    /** Sends {@code request} exactly as given (ISO-8859-1; it must end the head itself) and reads the answer. */
    public static Response exchange(int port, String request) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Response exchange(int port, byte[] request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer (414, 431) and close before it read everything: the answer still counts.
            }
            boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1)
                    .equals("HEAD ");
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; !complete(all.toByteArray(), head) && (n = s.getInputStream().read(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no end of response within " + TIMEOUT_MS + " ms: "
                        + all.toString(StandardCharsets.ISO_8859_1), e);
            } catch (IOException reset) {
                // A reset after the answer (the server closed with unread request bytes) ends the response too.
            }
            return parse(all.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code raw} holds a whole response with a Content-Length (others end when the server closes). */
    private static boolean complete(byte[] raw, boolean head) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return head || raw.length - end - 4 >= Long.parseLong(line.substring(15).strip());
            }
        }
        return false;
    }

    static Response parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (!all.startsWith("HTTP/1.") || end < 0) {
            throw new AssertionError("not an HTTP response: '" + all + "'");
        }
        String head = all.substring(0, end);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        boolean chunked = headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Transfer-Encoding")
                && h.getValue().toLowerCase(Locale.ROOT).contains("chunked"));
        return new Response(status, head, List.copyOf(headers), chunked ? dechunk(body) : body);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrlf(body, at);
            String size = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            at = lineEnd + 2;
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(body, at, n);
            at += n + 2;
        }
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        throw new AssertionError("truncated chunked body");
    }
}
