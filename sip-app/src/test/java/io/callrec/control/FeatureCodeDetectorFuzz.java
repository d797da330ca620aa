package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * DTMF reaches {@link FeatureCodeDetector} from RTP telephone-events and INFOs, in any order, repeated, at any
 * pace. A consent digit may only be 1 or 2 and only while the window is open; a feature code is only reported on
 * its own last digit; the same input always gives the same output (no hidden clock or randomness); and whatever
 * came before, a code typed cleanly afterwards is recognised.
 */
class FeatureCodeDetectorFuzz {
    private static final String EVENT_DIGITS = "0123456789*#ABCD";
    private static final String CODE_ALPHABET = "0123456789*#ABCD";

    /** One thing the detector is fed. */
    private record Step(int kind, int value, long timestamp, int advanceMillis, boolean window) {
    }

    @FuzzTest(maxDuration = "20s", maxExecutions = 20000)
    void digitsBecomeCodesOnlyAsTyped(FuzzedDataProvider data) {
        FeatureCodes codes = codes(data);
        List<Step> steps = new ArrayList<>();
        while (data.remainingBytes() > 0 && steps.size() < 300) {
            steps.add(new Step(data.consumeInt(0, 1), data.consumeInt(-2, 80), data.consumeInt(0, 40) * 160L,
                    data.consumeInt(0, 4000), data.consumeBoolean()));
        }
        Run first = new Run(codes);
        first.feed(steps);
        Run second = new Run(codes);
        second.feed(steps);
        assertEquals(first.calls, second.calls, "the same digits at the same times, another result");

        // Whatever came before: a pause, then a code typed by INFO, is that code.
        FeatureCode code = FeatureCode.values()[steps.size() % FeatureCode.values().length];
        first.window = false;
        first.clock.advance(Duration.ofSeconds(10));
        int before = first.calls.size();
        for (char c : codes.digits(code).toCharArray()) {
            first.clock.advance(Duration.ofMillis(200));
            first.offered = c;
            first.detector.onInfoDigit(c);
        }
        assertEquals(List.of(code.name()), first.calls.subList(before, first.calls.size()),
                "typed " + codes.digits(code));
    }

    /** A detector with its clock and consent window, writing down what it reports. */
    private static final class Run implements FeatureCodeDetector.Listener {
        final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
        final List<String> calls = new ArrayList<>();
        final FeatureCodes codes;
        final FeatureCodeDetector detector;
        boolean window;
        /** The digit being fed, as the detector should see it. */
        char offered;

        Run(FeatureCodes codes) {
            this.codes = codes;
            this.detector = new FeatureCodeDetector(codes, clock, () -> window, this);
        }

        void feed(List<Step> steps) {
            for (Step s : steps) {
                clock.advance(Duration.ofMillis(s.advanceMillis()));
                window = s.window();
                if (s.kind() == 0) {
                    boolean digit = s.value() >= 0 && s.value() < EVENT_DIGITS.length();
                    offered = digit ? EVENT_DIGITS.charAt(s.value()) : 0;
                    detector.onTelephoneEvent(s.value(), s.timestamp());
                } else {
                    offered = Character.toUpperCase((char) (' ' + s.value()));
                    detector.onInfoDigit((char) (' ' + s.value()));
                }
                calls.add("|");
            }
        }

        @Override
        public void onFeatureCode(FeatureCode code) {
            String digits = codes.digits(code);
            assertEquals(digits.charAt(digits.length() - 1), offered, code + " on another digit");
            calls.add(code.name());
        }

        @Override
        public void onConsentDigit(char digit) {
            assertTrue((digit == '1' || digit == '2') && window, digit + " as consent, window " + window);
            calls.add("consent " + digit);
        }
    }

    /** The default codes, some replaced by fuzzed ones when they form a valid set. */
    private static FeatureCodes codes(FuzzedDataProvider data) {
        Map<FeatureCode, String> overrides = new EnumMap<>(FeatureCode.class);
        for (FeatureCode code : FeatureCode.values()) {
            if (data.consumeBoolean()) {
                StringBuilder digits = new StringBuilder();
                int length = data.consumeInt(1, 4);
                for (int i = 0; i < length; i++) {
                    digits.append(CODE_ALPHABET.charAt(data.consumeInt(0, CODE_ALPHABET.length() - 1)));
                }
                overrides.put(code, digits.toString());
            }
        }
        try {
            return FeatureCodes.of(overrides);
        } catch (IllegalArgumentException e) {
            return FeatureCodes.defaults(); // a prefix clash: refused at configuration time
        }
    }
}
