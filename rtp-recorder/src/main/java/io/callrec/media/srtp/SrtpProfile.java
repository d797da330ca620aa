package io.callrec.media.srtp;

import java.util.Optional;

/**
 * The SRTP protection profiles callrec supports, with their sizes and the names they go by in SDES (RFC 4568
 * {@code a=crypto}) and DTLS-SRTP (RFC 5764 {@code use_srtp}).
 *
 * <p>AES_CM_128_HMAC_SHA1_32 shortens the SRTP tag; its SRTCP tag stays 80 bits (RFC 5764 §4.1.2, libsrtp), though
 * some SDES implementations send 32 ({@link SrtcpContext} takes both). The AEAD profiles (RFC 7714) have a 96-bit
 * salt, no separate authentication key and a 128-bit tag.
 */
public enum SrtpProfile {
    AES_CM_128_HMAC_SHA1_80("AES_CM_128_HMAC_SHA1_80", "SRTP_AES128_CM_HMAC_SHA1_80", 0x0001, 16, 14, 20, 10, 10),
    AES_CM_128_HMAC_SHA1_32("AES_CM_128_HMAC_SHA1_32", "SRTP_AES128_CM_HMAC_SHA1_32", 0x0002, 16, 14, 20, 4, 10),
    AEAD_AES_128_GCM("AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM", 0x0007, 16, 12, 0, 16, 16),
    AEAD_AES_256_GCM("AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM", 0x0008, 32, 12, 0, 16, 16);

    /** Length of the SRTCP trailer word: the E flag and the 31-bit SRTCP index. */
    public static final int SRTCP_INDEX_LENGTH = 4;

    private final String sdpName;
    private final String dtlsName;
    private final int dtlsProfileId;
    private final int keyLength;
    private final int saltLength;
    private final int authKeyLength;
    private final int rtpTagLength;
    private final int rtcpTagLength;

    SrtpProfile(String sdpName, String dtlsName, int dtlsProfileId, int keyLength, int saltLength, int authKeyLength,
                int rtpTagLength, int rtcpTagLength) {
        this.sdpName = sdpName;
        this.dtlsName = dtlsName;
        this.dtlsProfileId = dtlsProfileId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.authKeyLength = authKeyLength;
        this.rtpTagLength = rtpTagLength;
        this.rtcpTagLength = rtcpTagLength;
    }

    /** The crypto-suite name of {@code a=crypto} (RFC 4568 §6.2, RFC 7714 §14.1). */
    public String sdpName() {
        return sdpName;
    }

    /** The protection profile's name in the IANA DTLS-SRTP registry (RFC 5764 §4.1.2, RFC 7714 §14.2). */
    public String dtlsName() {
        return dtlsName;
    }

    /** The two-byte protection profile id a DTLS {@code use_srtp} extension carries. */
    public int dtlsProfileId() {
        return dtlsProfileId;
    }

    /** Master (and session) encryption key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master (and session) salt length in bytes: 14, or 12 for the AEAD profiles. */
    public int saltLength() {
        return saltLength;
    }

    /** Session authentication key length in bytes (HMAC-SHA1: 20); 0 for the AEAD profiles. */
    public int authKeyLength() {
        return authKeyLength;
    }

    /** Bytes SRTP appends to an RTP packet: the authentication tag (no MKI). */
    public int rtpTagLength() {
        return rtpTagLength;
    }

    /** Length of the SRTCP authentication tag in bytes (what a sender writes by default). */
    public int rtcpTagLength() {
        return rtcpTagLength;
    }

    /** Bytes SRTCP appends to an RTCP compound packet: the E flag and index word and the tag. */
    public int rtcpOverhead() {
        return SRTCP_INDEX_LENGTH + rtcpTagLength;
    }

    /** True for AES-GCM (RFC 7714): encryption and authentication in one, with the header as associated data. */
    public boolean isAead() {
        return authKeyLength == 0;
    }

    /** Length of the keying material SDES carries and DTLS exports per side: master key then master salt. */
    public int keyMaterialLength() {
        return keyLength + saltLength;
    }

    /** The profile with this SDES crypto-suite name (case-sensitive, as RFC 4568's grammar). */
    public static Optional<SrtpProfile> bySdpName(String name) {
        for (SrtpProfile p : values()) {
            if (p.sdpName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The profile with this DTLS-SRTP protection profile id. */
    public static Optional<SrtpProfile> byDtlsProfileId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsProfileId == id) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
