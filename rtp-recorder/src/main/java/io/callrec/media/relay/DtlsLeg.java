package io.callrec.media.relay;

import io.callrec.media.dtls.DtlsFingerprint;
import io.callrec.media.dtls.DtlsIdentity;
import io.callrec.media.dtls.DtlsRole;
import io.callrec.media.srtp.SrtpProfile;

import java.util.List;
import java.util.Objects;

/**
 * DTLS-SRTP on one party's leg of a stream, as its SDP settled it: the handshake on the leg's RTP socket gives the
 * leg's keys. Before the party's role and fingerprint are known (we offered DTLS-SRTP, the answer has not come) the
 * leg collects the party's handshake datagrams and waits.
 *
 * @param identity   our certificate
 * @param role       ours in the handshake; null while not known yet
 * @param remote     the party's {@code a=fingerprint}; null while not known yet
 * @param preference the SRTP profiles we accept, preferred first
 */
public record DtlsLeg(DtlsIdentity identity, DtlsRole role, DtlsFingerprint remote, List<SrtpProfile> preference) {
    public DtlsLeg {
        Objects.requireNonNull(identity, "identity");
        preference = List.copyOf(preference);
        if ((role == null) != (remote == null)) {
            throw new IllegalArgumentException("a DTLS leg knows both its role and the party's fingerprint, or neither");
        }
    }

    /** A leg whose role and party fingerprint the answer will tell. */
    public static DtlsLeg pending(DtlsIdentity identity, List<SrtpProfile> preference) {
        return new DtlsLeg(identity, null, null, preference);
    }

    /** True once the handshake can start. */
    public boolean known() {
        return role != null;
    }
}
