package io.callrec.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Turns the DTMF digits of one leg into feature codes and consent answers (spec §3). Digits arrive as RFC 4733
 * telephone-events from the relay tap and as SIP INFO bodies ({@link DtmfInfoBody}); each key press is taken once:
 * <ul>
 *   <li>every packet of an RFC 4733 event (start, continuations, the three end packets) carries the same event
 *       timestamp, so a timestamp seen recently is not a new digit;</li>
 *   <li>UAs that send a press both ways produce the same digit by RTP and by INFO; the second within
 *       {@value #SAME_DIGIT_MILLIS} ms of the first (or of the event's latest packet, since some UAs send the INFO
 *       on key release) is dropped;</li>
 *   <li>digits more than {@value #CODE_GAP_SECONDS} s apart do not form a code.</li>
 * </ul>
 * While {@code consentWindow} says this leg is being asked for consent, a {@code 1} or {@code 2} that does not
 * continue a started code is a consent answer, not a digit of a code.
 *
 * <p>Not thread-safe: fed under the call's confinement (the RTP tap hands events over to it).
 */
public final class FeatureCodeDetector {
    static final int SAME_DIGIT_MILLIS = 100;
    static final int CODE_GAP_SECONDS = 3;
    private static final Duration SAME_DIGIT = Duration.ofMillis(SAME_DIGIT_MILLIS);
    private static final Duration CODE_GAP = Duration.ofSeconds(CODE_GAP_SECONDS);
    /** Redundant end packets follow within a few packets; eight events back covers reordering too. */
    private static final int RECENT_EVENTS = 8;
    private static final char[] EVENT_DIGITS = "0123456789*#ABCD".toCharArray();

    /** What the detector found. */
    public interface Listener {
        void onFeatureCode(FeatureCode code);

        /** {@code '1'} (grant) or {@code '2'} (decline), only while the consent window is open. */
        void onConsentDigit(char digit);
    }

    private enum Path { RTP, INFO }

    private final FeatureCodes codes;
    private final Clock clock;
    private final BooleanSupplier consentWindow;
    private final Listener listener;

    private final long[] recentEventTimestamps = new long[RECENT_EVENTS];
    private int recentCount;
    private int recentNext;

    private char lastDigit;
    private Path lastPath;
    private Instant lastSeenAt = Instant.MIN;
    private long lastEventTimestamp = -1;
    private Instant lastDigitAt = Instant.MIN;
    private final StringBuilder typed = new StringBuilder(8);

    public FeatureCodeDetector(FeatureCodes codes, Clock clock, BooleanSupplier consentWindow, Listener listener) {
        this.codes = Objects.requireNonNull(codes, "codes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.consentWindow = Objects.requireNonNull(consentWindow, "consentWindow");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * One RFC 4733 telephone-event packet (any of an event's packets may be passed).
     *
     * @param event          the event code; 0-15 are digits, others (flash, tones) are ignored
     * @param eventTimestamp the RTP timestamp of the packet: the start of the event
     */
    public void onTelephoneEvent(int event, long eventTimestamp) {
        if (event < 0 || event >= EVENT_DIGITS.length) {
            return;
        }
        char digit = EVENT_DIGITS[event];
        Instant now = clock.instant();
        if (seenRecently(eventTimestamp)) {
            if (eventTimestamp == lastEventTimestamp && digit == lastDigit) {
                lastSeenAt = now;
            }
            return;
        }
        remember(eventTimestamp);
        lastEventTimestamp = eventTimestamp;
        offer(digit, Path.RTP, now);
    }

    /** The digit of a DTMF INFO ({@link DtmfInfoBody#parse}). */
    public void onInfoDigit(char digit) {
        char d = Character.toUpperCase(digit);
        if (!DtmfInfoBody.isDtmfDigit(d)) {
            return;
        }
        offer(d, Path.INFO, clock.instant());
    }

    private void offer(char digit, Path path, Instant now) {
        boolean twin = digit == lastDigit && path != lastPath
                && !now.isAfter(lastSeenAt.plus(SAME_DIGIT));
        if (twin) {
            // The same press by the other path: counted already. Further packets of it only extend the window.
            lastSeenAt = now;
            return;
        }
        lastDigit = digit;
        lastPath = path;
        lastSeenAt = now;
        take(digit, now);
    }

    private void take(char digit, Instant now) {
        if (now.isAfter(lastDigitAt.plus(CODE_GAP))) {
            typed.setLength(0);
        }
        lastDigitAt = now;
        if (typed.length() == 0 && (digit == '1' || digit == '2') && consentWindow.getAsBoolean()) {
            listener.onConsentDigit(digit);
            return;
        }
        typed.append(digit);
        // Keep the longest tail that can still become a code, so "***1" still ends in "**1".
        while (typed.length() > 0 && !codes.isPrefix(typed)) {
            typed.deleteCharAt(0);
        }
        codes.match(typed).ifPresent(code -> {
            typed.setLength(0);
            listener.onFeatureCode(code);
        });
    }

    private boolean seenRecently(long ts) {
        for (int i = 0; i < recentCount; i++) {
            if (recentEventTimestamps[i] == ts) {
                return true;
            }
        }
        return false;
    }

    private void remember(long ts) {
        recentEventTimestamps[recentNext] = ts;
        recentNext = (recentNext + 1) % RECENT_EVENTS;
        recentCount = Math.min(recentCount + 1, RECENT_EVENTS);
    }

    @Override
    public String toString() {
        return "FeatureCodeDetector[typed=" + typed.length() + " digits, recent events="
                + Arrays.toString(Arrays.copyOf(recentEventTimestamps, recentCount)) + "]";
    }
}
