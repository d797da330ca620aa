package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callrec.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureCodeDetectorTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
    private final List<Object> found = new ArrayList<>();
    private boolean window;
    private FeatureCodeDetector detector = detector(FeatureCodes.defaults());

    private FeatureCodeDetector detector(FeatureCodes codes) {
        return new FeatureCodeDetector(codes, clock, () -> window, new FeatureCodeDetector.Listener() {
            @Override
            public void onFeatureCode(FeatureCode code) {
                found.add(code);
            }

            @Override
            public void onConsentDigit(char digit) {
                found.add(digit);
            }
        });
    }

    private static final String EVENTS = "0123456789*#ABCD";
    private long ts = 16000;

    /** One key press as RFC 4733 sends it: a start packet, continuations and three end packets, 20 ms apart. */
    private void rtpPress(char digit) {
        long eventTs = ts;
        ts += 3200;
        for (int i = 0; i < 8 + 3; i++) {
            detector.onTelephoneEvent(EVENTS.indexOf(digit), eventTs);
            if (i < 8) {
                clock.advance(Duration.ofMillis(20));
            }
        }
        clock.advance(Duration.ofMillis(200));
    }

    private void infoPress(char digit) {
        detector.onInfoDigit(digit);
        clock.advance(Duration.ofMillis(260));
    }

    @Test
    void defaultCodesFromRtp() {
        for (String code : List.of("**1", "**3", "**2", "**4", "**5", "**0")) {
            code.chars().forEach(c -> rtpPress((char) c));
        }
        assertEquals(List.of(FeatureCode.RECORD_BOTH, FeatureCode.RECORD_PEER, FeatureCode.STOP, FeatureCode.PAUSE,
                FeatureCode.RESUME, FeatureCode.WITHDRAW), found);
    }

    @Test
    void defaultCodesFromInfoAndMixedPaths() {
        infoPress('*');
        infoPress('*');
        infoPress('4');
        rtpPress('*');
        infoPress('*');
        rtpPress('5');
        assertEquals(List.of(FeatureCode.PAUSE, FeatureCode.RESUME), found);
    }

    @Test
    void eachRtpEventCountsOnceWhateverItsPacketsDo() {
        // Start, continuation, three end packets, and a late duplicate of the start, all with one event timestamp.
        for (int i = 0; i < 6; i++) {
            detector.onTelephoneEvent(10, 1000);
        }
        detector.onTelephoneEvent(10, 2000);
        detector.onTelephoneEvent(10, 1000); // reordered end packet of the first press
        detector.onTelephoneEvent(1, 3000);
        assertEquals(List.of(FeatureCode.RECORD_BOTH), found);
    }

    @Test
    void theSameDigitByRtpAndInfoWithin100MsCountsOnce() {
        // UA sending INFO at key press: both arrive almost together.
        detector.onTelephoneEvent(10, 1000);
        clock.advance(Duration.ofMillis(30));
        detector.onInfoDigit('*');
        clock.advance(Duration.ofMillis(300));
        // INFO first, RTP 90 ms later.
        detector.onInfoDigit('*');
        clock.advance(Duration.ofMillis(90));
        detector.onTelephoneEvent(10, 5000);
        clock.advance(Duration.ofMillis(300));
        // UA sending INFO at key release: 160 ms after the event started, 20 ms after its last packet.
        detector.onTelephoneEvent(2, 9000);
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMillis(20));
            detector.onTelephoneEvent(2, 9000);
        }
        clock.advance(Duration.ofMillis(20));
        detector.onInfoDigit('2');
        assertEquals(List.of(FeatureCode.STOP), found);
    }

    @Test
    void twoPressesOfOneDigitAreTwoDigits() {
        FeatureCodes codes = FeatureCodes.of(Map.of(FeatureCode.RECORD_BOTH, "11"));
        detector = detector(codes);
        detector.onTelephoneEvent(1, 1000);
        clock.advance(Duration.ofMillis(40));
        detector.onTelephoneEvent(1, 1320); // a new event timestamp: a second, very quick press
        assertEquals(List.of(FeatureCode.RECORD_BOTH), found);
        found.clear();
        clock.advance(Duration.ofMillis(500));
        detector.onInfoDigit('1');
        clock.advance(Duration.ofMillis(50));
        detector.onInfoDigit('1'); // two INFOs are two presses: INFO has no duplicates
        assertEquals(List.of(FeatureCode.RECORD_BOTH), found);
    }

    @Test
    void theSameDigitByTheOtherPathAfter100MsIsANewDigit() {
        FeatureCodes codes = FeatureCodes.of(Map.of(FeatureCode.RECORD_BOTH, "77"));
        detector = detector(codes);
        detector.onTelephoneEvent(7, 1000);
        clock.advance(Duration.ofMillis(101));
        detector.onInfoDigit('7');
        assertEquals(List.of(FeatureCode.RECORD_BOTH), found);
    }

    @Test
    void digitsMoreThanThreeSecondsApartDoNotFormACode() {
        rtpPress('*');
        rtpPress('*');
        clock.advance(Duration.ofMillis(3001));
        rtpPress('1');
        assertEquals(List.of(), found);
        rtpPress('*');
        clock.advance(Duration.ofMillis(2500));
        rtpPress('*');
        clock.advance(Duration.ofMillis(2500));
        rtpPress('1');
        assertEquals(List.of(FeatureCode.RECORD_BOTH), found);
    }

    @Test
    void strayDigitsBeforeACodeDoNotHideIt() {
        "5***#**2".chars().forEach(c -> rtpPress((char) c));
        "9**9**4".chars().forEach(c -> infoPress((char) c));
        assertEquals(List.of(FeatureCode.STOP, FeatureCode.PAUSE), found);
    }

    @Test
    void duringTheConsentWindowOneAndTwoAreAnswers() {
        window = true;
        rtpPress('1');
        infoPress('2');
        rtpPress('3'); // neither an answer nor part of a code
        // A code started before the digit still wins: **0 withdraws, **1 is a request.
        "**1".chars().forEach(c -> rtpPress((char) c));
        window = false;
        rtpPress('1');
        assertEquals(List.of('1', '2', FeatureCode.RECORD_BOTH), found);
    }

    @Test
    void configuredCodes() {
        detector = detector(FeatureCodes.of(Map.of(FeatureCode.RECORD_BOTH, "#91", FeatureCode.STOP, "#90")));
        "#91#90**1".chars().forEach(c -> rtpPress((char) c));
        assertEquals(List.of(FeatureCode.RECORD_BOTH, FeatureCode.STOP), found);
    }

    @Test
    void badCodeConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> FeatureCodes.of(Map.of(FeatureCode.RECORD_BOTH, "**")));    // prefix of **2 etc.
        assertThrows(IllegalArgumentException.class,
                () -> FeatureCodes.of(Map.of(FeatureCode.RECORD_BOTH, "**20"))); // **2 is its prefix
        assertThrows(IllegalArgumentException.class,
                () -> FeatureCodes.of(Map.of(FeatureCode.RECORD_BOTH, "**2")));  // the same as stop
        assertThrows(IllegalArgumentException.class, () -> FeatureCodes.of(Map.of(FeatureCode.STOP, "*x")));
        assertThrows(IllegalArgumentException.class, () -> FeatureCodes.of(Map.of(FeatureCode.STOP, "")));
        assertEquals("**1", FeatureCodes.defaults().digits(FeatureCode.RECORD_BOTH));
    }

    @Test
    void nonDigitEventsAreIgnored() {
        detector.onTelephoneEvent(16, 1000); // flash
        detector.onTelephoneEvent(-1, 1100);
        detector.onInfoDigit('x');
        "**1".chars().forEach(c -> rtpPress((char) c));
        assertEquals(List.of(FeatureCode.RECORD_BOTH), found);
    }
}
