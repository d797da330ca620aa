package io.callrec.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the size syntax of flags and config keys: a whole number of bytes ({@code 0}, {@code 1048576}) or of a
 * binary unit ({@code 512KiB}, {@code 256MiB}, {@code 1GiB}, {@code 2TiB}), the unit case-insensitive. Decimal
 * units ({@code MB}) are refused rather than guessed at: a disk floor should not be off by 5 %.
 */
public final class ByteSizes {

    private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d{1,19})(b|kib|mib|gib|tib)?");

    private ByteSizes() {
    }

    /**
     * @throws IllegalArgumentException naming the text, when it is not a size or does not fit in a long
     */
    public static long parse(String text) {
        String trimmed = text.trim();
        Matcher m = NUMBER_UNIT.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a size (e.g. 256MiB, 1GiB, 512KiB, 0)");
        }
        int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            case "tib" -> 40;
            default -> 0;
        };
        try {
            long amount = Long.parseLong(m.group(1));
            if (amount > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return amount << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is too large a size");
        }
    }
}
