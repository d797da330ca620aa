package io.callrec.media.relay;

import io.callrec.media.srtp.SrtpKeyMaterial;

/**
 * The SRTP master keys of one party's leg of a stream, as its SDP negotiated them; null = plain RTP in that
 * direction. Each leg has its own keys: the relay decrypts what a party sends with the party's key and encrypts what
 * it forwards to a party with ours, so the recorder's tap always sees plain RTP.
 *
 * @param fromParty the key the party protects its RTP and RTCP with (the one in its own {@code a=crypto})
 * @param toParty   the key we protect what we send to the party with (the one in our {@code a=crypto} to it)
 */
public record LegKeys(SrtpKeyMaterial fromParty, SrtpKeyMaterial toParty) {
    /** Plain RTP both ways. */
    public static final LegKeys PLAIN = new LegKeys(null, null);

    public boolean isPlain() {
        return fromParty == null && toParty == null;
    }

    @Override
    public String toString() {
        return "LegKeys[from party " + describe(fromParty) + ", to party " + describe(toParty) + "]";
    }

    private static String describe(SrtpKeyMaterial key) {
        return key == null ? "plain" : key.profile().sdpName();
    }
}
