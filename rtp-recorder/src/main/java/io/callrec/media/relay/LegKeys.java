package io.callrec.media.relay;

import io.callrec.media.srtp.SrtpKeyMaterial;

/**
 * The SRTP master keys of one party's leg of a stream, as its SDP negotiated them; null = plain RTP in that
 * direction. Each leg has its own keys: the relay decrypts what a party sends with the party's key and encrypts what
 * it forwards to a party with ours, so the recorder's tap always sees plain RTP.
 *
 * @param fromParty the key the party protects its RTP and RTCP with (the one in its own {@code a=crypto})
 * @param toParty   the key we protect what we send to the party with (the one in our {@code a=crypto} to it)
 * @param awaiting  SRTP is being negotiated and the keys are not known yet (we offered {@code a=crypto}, the answer
 *                  has not come): nothing passes either way, so that no packet goes out in the clear to a party that
 *                  expects SRTP, and no SRTP packet is taken for plain RTP
 */
public record LegKeys(SrtpKeyMaterial fromParty, SrtpKeyMaterial toParty, boolean awaiting) {
    /** Plain RTP both ways. */
    public static final LegKeys PLAIN = new LegKeys(null, null, false);
    /** Keys being negotiated: every packet from and to the party is dropped until they are known. */
    public static final LegKeys AWAITING = new LegKeys(null, null, true);

    public LegKeys {
        if (awaiting && (fromParty != null || toParty != null)) {
            throw new IllegalArgumentException("keys that are awaited are not known yet");
        }
    }

    /** Keys that are known; null for plain RTP in that direction. */
    public LegKeys(SrtpKeyMaterial fromParty, SrtpKeyMaterial toParty) {
        this(fromParty, toParty, false);
    }

    @Override
    public String toString() {
        if (awaiting) {
            return "LegKeys[awaiting the answer]";
        }
        return "LegKeys[from party " + describe(fromParty) + ", to party " + describe(toParty) + "]";
    }

    private static String describe(SrtpKeyMaterial key) {
        return key == null ? "plain" : key.profile().sdpName();
    }
}
