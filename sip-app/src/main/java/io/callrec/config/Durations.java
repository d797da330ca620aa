package io.callrec.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration syntax of flags and config keys: {@code 250ms}, {@code 30s}, {@code 5m},
 * {@code 72h}, {@code 1d}, plain seconds ({@code 30}) and ISO-8601 ({@code PT30S}, {@code P1DT12H}).
 * One unit per value; combinations go through the ISO form.
 */
public final class Durations {

    private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException naming the text, when it is not a non-negative duration
     */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("p")) {
            try {
                Duration iso = Duration.parse(trimmed);
                if (iso.isNegative()) {
                    throw new IllegalArgumentException("'" + trimmed + "' is negative");
                }
                return iso;
            } catch (DateTimeParseException e) {
                throw notADuration(trimmed);
            }
        }
        Matcher m = NUMBER_UNIT.matcher(lower);
        if (!m.matches()) {
            throw notADuration(trimmed);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw notADuration(trimmed);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is too long a duration");
        }
    }

    /** Short human form used in messages and docs: {@code 72h}, {@code 30s}, {@code 250ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds != 0 && seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds != 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds != 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30s, 5m, 72h, 1d, 250ms, 30, PT30S)");
    }
}
