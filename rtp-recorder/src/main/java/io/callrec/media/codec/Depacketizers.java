package io.callrec.media.codec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Picks the {@link Depacketizer} for an SDP payload type (a=rtpmap plus a=fmtp). */
public final class Depacketizers {
    private Depacketizers() {
    }

    /**
     * @param encodingName the a=rtpmap encoding name, any case
     * @param clockRate    the a=rtpmap clock rate
     * @param channels     the a=rtpmap channel count, 1 if the line gives none
     * @param fmtp         the a=fmtp parameters (names any case); empty if none
     * @return the depacketizer, or empty for a codec callrec does not turn into a track, a clock rate that
     *     contradicts the codec's RTP specification, or H.264 packetization-mode 2 (interleaved, not implemented)
     */
    public static Optional<Depacketizer> create(String encodingName, int clockRate, int channels,
                                                Map<String, String> fmtp) {
        Optional<Codec> codec = Codec.fromEncodingName(encodingName);
        if (codec.isEmpty()) {
            return Optional.empty();
        }
        switch (codec.get()) {
            case H264:
                String mode = parameter(fmtp, "packetization-mode");
                if (clockRate != 90000 || !(mode == null || mode.equals("0") || mode.equals("1"))) {
                    return Optional.empty();
                }
                return Optional.of(new H264Depacketizer(parameter(fmtp, "sprop-parameter-sets")));
            case VP8:
                return clockRate == 90000 ? Optional.of(new Vp8Depacketizer()) : Optional.empty();
            case OPUS:
                return clockRate == OpusDepacketizer.CLOCK_RATE
                        ? Optional.of(new OpusDepacketizer(opusChannels(fmtp))) : Optional.empty();
            case PCMA:
            case PCMU:
                return clockRate == G711Depacketizer.CLOCK_RATE && channels >= 1
                        ? Optional.of(new G711Depacketizer(codec.get(), channels)) : Optional.empty();
            case G722:
                return clockRate == G722Depacketizer.CLOCK_RATE && channels == 1
                        ? Optional.of(new G722Depacketizer()) : Optional.empty();
            default:
                return Optional.empty();
        }
    }

    /**
     * Opus is stored as stereo unless both sides of the fmtp say mono: {@code stereo} is what the receiver prefers,
     * {@code sprop-stereo} what the sender may send. A mono packet decodes into a stereo track, while a stereo
     * packet in a track declared mono would lose a channel, so only an explicit double "0" makes it mono.
     */
    static int opusChannels(Map<String, String> fmtp) {
        return "0".equals(parameter(fmtp, "stereo")) && "0".equals(parameter(fmtp, "sprop-stereo")) ? 1 : 2;
    }

    /**
     * Splits an a=fmtp parameter string ({@code "packetization-mode=1; sprop-parameter-sets=Z0I=,aM4="}) into
     * names and values, both trimmed; a value keeps any further '=' (base64 padding). A name without '=' maps to "".
     */
    public static Map<String, String> fmtpParameters(String fmtp) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (fmtp == null) {
            return parameters;
        }
        for (String part : fmtp.split(";")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int equals = item.indexOf('=');
            if (equals < 0) {
                parameters.put(item, "");
            } else {
                parameters.put(item.substring(0, equals).trim(), item.substring(equals + 1).trim());
            }
        }
        return parameters;
    }

    /** The value of an fmtp parameter, names compared without case, value trimmed; null if absent. */
    static String parameter(Map<String, String> fmtp, String name) {
        String direct = fmtp.get(name);
        if (direct != null) {
            return direct.trim();
        }
        for (Map.Entry<String, String> entry : fmtp.entrySet()) {
            if (entry.getKey().trim().toLowerCase(Locale.ROOT).equals(name) && entry.getValue() != null) {
                return entry.getValue().trim();
            }
        }
        return null;
    }
}
