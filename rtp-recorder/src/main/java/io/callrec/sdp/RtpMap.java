package io.callrec.sdp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Payload type mapping ({@code a=rtpmap}, RFC 8866 §6.6).
 *
 * @param channels audio channels; 1 when the rtpmap does not say (and for video)
 */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {
    // RFC 3551 tables 4 and 5: payload types usable without an rtpmap. 1, 2, 19 are reserved.
    private static final RtpMap[] STATIC = new RtpMap[35];

    static {
        put(0, "PCMU", 8000, 1);
        put(3, "GSM", 8000, 1);
        put(4, "G723", 8000, 1);
        put(5, "DVI4", 8000, 1);
        put(6, "DVI4", 16000, 1);
        put(7, "LPC", 8000, 1);
        put(8, "PCMA", 8000, 1);
        put(9, "G722", 8000, 1); // 16 kHz sampling, but 8000 by an error kept for compatibility (RFC 3551 §4.5.2)
        put(10, "L16", 44100, 2);
        put(11, "L16", 44100, 1);
        put(12, "QCELP", 8000, 1);
        put(13, "CN", 8000, 1);
        put(14, "MPA", 90000, 1);
        put(15, "G728", 8000, 1);
        put(16, "DVI4", 11025, 1);
        put(17, "DVI4", 22050, 1);
        put(18, "G729", 8000, 1);
        put(25, "CelB", 90000, 1);
        put(26, "JPEG", 90000, 1);
        put(28, "nv", 90000, 1);
        put(31, "H261", 90000, 1);
        put(32, "MPV", 90000, 1);
        put(33, "MP2T", 90000, 1);
        put(34, "H263", 90000, 1);
    }

    private static void put(int pt, String encoding, int clockRate, int channels) {
        STATIC[pt] = new RtpMap(pt, encoding, clockRate, channels);
    }

    public RtpMap {
        Objects.requireNonNull(encoding, "encoding");
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range 0-127: " + payloadType);
        }
        if (encoding.isEmpty()) {
            throw new IllegalArgumentException("empty encoding name");
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be positive: " + channels);
        }
    }

    /** The RFC 3551 static assignment of a payload type (0..34), or empty where there is none. */
    public static Optional<RtpMap> staticPayloadType(int payloadType) {
        if (payloadType < 0 || payloadType >= STATIC.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(STATIC[payloadType]);
    }

    /** Parses the value of an rtpmap attribute ({@code 96 opus/48000/2}); empty when it is malformed. */
    static Optional<RtpMap> parse(String value) {
        List<String> f = SdpText.fields(value);
        if (f.size() != 2) {
            return Optional.empty();
        }
        int pt = SdpText.parseUnsigned(f.get(0), 127);
        String[] enc = f.get(1).split("/", -1);
        if (pt < 0 || enc.length < 2 || enc.length > 3 || enc[0].isEmpty()) {
            return Optional.empty();
        }
        int clockRate = SdpText.parseUnsigned(enc[1], Integer.MAX_VALUE);
        int channels = enc.length == 3 ? SdpText.parseUnsigned(enc[2], 255) : 1;
        if (clockRate <= 0 || channels <= 0) {
            return Optional.empty();
        }
        return Optional.of(new RtpMap(pt, enc[0], clockRate, channels));
    }
}
