package io.callrec.control;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured digits of every {@link FeatureCode}. No code may be a prefix of another (or equal to it): the
 * detector emits a code as soon as its last digit arrives, so {@code **1} would hide {@code **12}.
 */
public final class FeatureCodes {
    private static final Pattern DIGITS = Pattern.compile("[0-9*#A-D]{1,8}");
    private final Map<FeatureCode, String> digits;

    private FeatureCodes(Map<FeatureCode, String> digits) {
        this.digits = digits;
    }

    /** {@code **1}, {@code **3}, {@code **2}, {@code **4}, {@code **5}, {@code **0}. */
    public static FeatureCodes defaults() {
        return of(Map.of());
    }

    /**
     * The defaults with some codes replaced.
     *
     * @throws IllegalArgumentException if a code has other characters than DTMF digits, is longer than 8, or is a
     *                                  prefix of another
     */
    public static FeatureCodes of(Map<FeatureCode, String> overrides) {
        Map<FeatureCode, String> all = new EnumMap<>(FeatureCode.class);
        for (FeatureCode c : FeatureCode.values()) {
            String d = overrides.getOrDefault(c, c.defaultDigits());
            if (!DIGITS.matcher(d).matches()) {
                throw new IllegalArgumentException("feature code " + c + " '" + d + "' is not 1 to 8 of 0-9 * # A-D");
            }
            all.put(c, d);
        }
        for (Map.Entry<FeatureCode, String> a : all.entrySet()) {
            for (Map.Entry<FeatureCode, String> b : all.entrySet()) {
                if (a.getKey() != b.getKey() && b.getValue().startsWith(a.getValue())) {
                    throw new IllegalArgumentException("feature code " + a.getKey() + " '" + a.getValue()
                            + "' is a prefix of " + b.getKey() + " '" + b.getValue() + "'");
                }
            }
        }
        return new FeatureCodes(all);
    }

    public String digits(FeatureCode code) {
        return digits.get(code);
    }

    /** The code spelled exactly by {@code typed}. */
    Optional<FeatureCode> match(CharSequence typed) {
        for (Map.Entry<FeatureCode, String> e : digits.entrySet()) {
            if (e.getValue().contentEquals(typed)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** True if some code starts with {@code typed}. */
    boolean isPrefix(CharSequence typed) {
        String t = typed.toString();
        for (String d : digits.values()) {
            if (d.startsWith(t)) {
                return true;
            }
        }
        return false;
    }
}
