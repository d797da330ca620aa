package io.callrec.control;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The digit of a SIP INFO carrying DTMF: {@code application/dtmf-relay} ({@code Signal=1\r\nDuration=160}) or
 * {@code application/dtmf} (the bare digit). Both are informal formats, so reading is lenient: any line ending,
 * keys in any case, {@code 10}/{@code 11} for {@code *}/{@code #} as some UAs send them.
 */
public final class DtmfInfoBody {
    /** Real bodies are under 40 bytes; anything far larger is not DTMF. */
    static final int MAX_BODY_BYTES = 256;

    private DtmfInfoBody() {
    }

    /** True for the two content types this class reads (parameters ignored). */
    public static boolean isDtmf(String contentType) {
        String t = mediaType(contentType);
        return t.equals("application/dtmf-relay") || t.equals("application/dtmf");
    }

    /** The digit ({@code 0-9 * # A-D}), or empty if the body holds none or the type is not DTMF. */
    public static Optional<Character> parse(String contentType, byte[] body) {
        if (!isDtmf(contentType) || body == null || body.length > MAX_BODY_BYTES) {
            return Optional.empty();
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (text.indexOf('=') < 0) {
            return digit(text);
        }
        for (String line : text.split("\r\n|\r|\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).trim().equalsIgnoreCase("signal")) {
                return digit(line.substring(eq + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static Optional<Character> digit(String value) {
        if (value.equals("10")) {
            return Optional.of('*');
        }
        if (value.equals("11")) {
            return Optional.of('#');
        }
        if (value.length() != 1) {
            return Optional.empty();
        }
        char c = Character.toUpperCase(value.charAt(0));
        return isDtmfDigit(c) ? Optional.of(c) : Optional.empty();
    }

    static boolean isDtmfDigit(char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
