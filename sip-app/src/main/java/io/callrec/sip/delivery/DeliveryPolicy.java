package io.callrec.sip.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** What to do after an answer to a link MESSAGE (spec §4), and what the MESSAGE says. */
public final class DeliveryPolicy {
    /** Over UDP the whole request stays under this many bytes (spec §4). */
    public static final int MAX_UDP_MESSAGE = 1300;
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);
    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public enum Verdict {
        /** 2xx: delivered. */
        DELIVERED,
        /** 415 to a JSON body: send the text form now. */
        SEND_AS_TEXT,
        /** Timeout, 408, 480, 5xx, 6xx: try again later. */
        RETRY,
        /** Any other 4xx (and 3xx): the requester does not want it; stop. */
        GIVE_UP
    }

    private DeliveryPolicy() {
    }

    public static Verdict verdict(int status, boolean json) {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        if (status == 415 && json) {
            return Verdict.SEND_AS_TEXT;
        }
        if (status == 408 || status == 480 || status >= 500) {
            return Verdict.RETRY;
        }
        return Verdict.GIVE_UP;
    }

    /** The wait after {@code attempts} failed attempts: 5 s doubling, at most 10 min. */
    public static Duration backoff(int attempts) {
        long seconds = FIRST_RETRY.toSeconds() << Math.min(Math.max(attempts - 1, 0), 16);
        return seconds > MAX_RETRY.toSeconds() ? MAX_RETRY : Duration.ofSeconds(seconds);
    }

    public static String contentType(LinkDelivery d) {
        return d.json() ? "application/vnd.callrec+json" : "text/plain;charset=UTF-8";
    }

    /** The MESSAGE body: JSON {@code recording-ready} for callrec-aware UAs, one line of text otherwise. */
    public static String body(LinkDelivery d) {
        if (d.json()) {
            return "{\"type\":\"recording-ready\",\"recordingId\":\"" + d.recordingId() + "\",\"url\":\""
                    + jsonEscape(d.url()) + "\",\"expires\":\"" + d.expires() + "\"}";
        }
        return "Call recording ready: " + d.url() + " (expires " + TEXT_TIME.format(d.expires()) + ")";
    }

    static boolean expired(LinkDelivery d, Instant now) {
        return !now.isBefore(d.expires());
    }

    private static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
