package io.callrec.sip.registrar;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One registered contact of an address-of-record.
 *
 * @param contactUri where to send requests for the AOR, as the UA wrote it in Contact
 * @param q          preference 0..1; 1.0 when the UA gave none
 * @param instanceId the {@code +sip.instance} value without quotes (RFC 5626/5627), if given
 * @param regId      the {@code reg-id} (RFC 5626), if given
 * @param source     the address the REGISTER came from: the flow to reach the UA through NAT
 * @param transport  {@code udp}, {@code tcp} or {@code tls}: the transport of that flow
 */
public record Binding(
        AddressOfRecord aor,
        String contactUri,
        double q,
        String callId,
        long cseq,
        Optional<String> instanceId,
        OptionalInt regId,
        InetSocketAddress source,
        String transport,
        Instant registeredAt,
        Instant expiresAt) {

    public Binding {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(contactUri, "contactUri");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(regId, "regId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** What identifies this binding for updates: the instance (and reg-id) if any, else the URI. */
    String key() {
        return keyOf(contactUri, instanceId, regId);
    }

    static String keyOf(String contactUri, Optional<String> instanceId, OptionalInt regId) {
        if (instanceId.isPresent()) {
            return "instance:" + instanceId.get() + (regId.isPresent() ? ";reg-id=" + regId.getAsInt() : "");
        }
        return "uri:" + contactUri;
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Seconds left, rounded up so a binding that is still there never reports 0. */
    public long remainingSeconds(Instant now) {
        long millis = Duration.between(now, expiresAt).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
