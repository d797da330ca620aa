package io.callrec.media.dtls;

import io.callrec.media.srtp.SrtpKeyMaterial;
import io.callrec.media.srtp.SrtpProfile;

import java.util.Arrays;
import java.util.Objects;

/**
 * The SRTP master keys of one leg, taken from the keying material a DTLS-SRTP handshake exports (RFC 5764 §4.2):
 * {@code client_write_SRTP_master_key | server_write_SRTP_master_key | client_write_SRTP_master_salt |
 * server_write_SRTP_master_salt}. The client protects what it sends with the client's key and salt, the server with
 * the server's.
 *
 * @param profile   the protection profile the handshake agreed on
 * @param fromParty what the party protects its packets with
 * @param toParty   what we protect the packets we send to the party with
 */
public record DtlsSrtpKeys(SrtpProfile profile, SrtpKeyMaterial fromParty, SrtpKeyMaterial toParty) {
    /** The exporter label of RFC 5764 §4.2. */
    public static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

    public DtlsSrtpKeys {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(fromParty, "fromParty");
        Objects.requireNonNull(toParty, "toParty");
    }

    /** How many bytes to export for {@code profile}: two keys and two salts. */
    public static int materialLength(SrtpProfile profile) {
        return 2 * profile.keyMaterialLength();
    }

    /**
     * Splits exported keying material.
     *
     * @param material {@link #materialLength} bytes; not kept (the keys are copies)
     * @param ours     our role in the handshake: as server, the party's keys are the client's
     * @throws IllegalArgumentException if the material has another length
     */
    public static DtlsSrtpKeys split(SrtpProfile profile, byte[] material, DtlsRole ours) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        if (material.length != 2 * (k + s)) {
            throw new IllegalArgumentException("DTLS-SRTP keying material of " + material.length + " bytes, "
                    + profile.dtlsName() + " needs " + 2 * (k + s));
        }
        SrtpKeyMaterial client = new SrtpKeyMaterial(profile, Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s));
        SrtpKeyMaterial server = new SrtpKeyMaterial(profile, Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k + s, 2 * (k + s)));
        return ours == DtlsRole.SERVER ? new DtlsSrtpKeys(profile, client, server)
                : new DtlsSrtpKeys(profile, server, client);
    }

    @Override
    public String toString() {
        return "DtlsSrtpKeys[" + profile.dtlsName() + "]";
    }
}
