package io.callrec.media.codec;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The latest SPS and PPS of an H.264 stream and the track format they give: size from the SPS, and the avcC record
 * (ISO/IEC 14496-15 §5.3.3.1, AVCDecoderConfigurationRecord) a Matroska track stores as CodecPrivate.
 *
 * <p>A stream that repeats its parameter sets before every IDR costs one comparison each time: the format is
 * rebuilt only when a set actually changes.
 */
final class H264ParameterSets {
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;

    private byte[] sps;
    private byte[] pps;
    private H264Sps parsedSps;
    private TrackFormat format;

    /**
     * Takes the SPS or PPS NAL unit {@code nal[offset, offset + length)} (header byte included) if it differs from
     * the current one. An SPS that does not parse is refused and the previous one stays in use.
     *
     * @throws MalformedPayloadException if it is an SPS that does not parse, or longer than avcC can hold
     */
    void offer(byte[] nal, int offset, int length) throws MalformedPayloadException {
        if (length > 0xffff) {
            throw new MalformedPayloadException("parameter set of " + length + " bytes exceeds avcC's 65535");
        }
        int type = nal[offset] & 0x1f;
        if (type == NAL_SPS) {
            if (!same(sps, nal, offset, length)) {
                H264Sps parsed = H264Sps.parse(nal, offset, length);
                sps = Arrays.copyOfRange(nal, offset, offset + length);
                parsedSps = parsed;
                format = null;
            }
        } else if (type == NAL_PPS && !same(pps, nal, offset, length)) {
            pps = Arrays.copyOfRange(nal, offset, offset + length);
            format = null;
        }
    }

    /** The track format, or null until both an SPS and a PPS are known. */
    TrackFormat format() {
        if (format == null && sps != null && pps != null) {
            format = TrackFormat.video(Codec.H264, parsedSps.width(), parsedSps.height(),
                    avcDecoderConfiguration(sps, pps, parsedSps));
        }
        return format;
    }

    H264Sps sps() {
        return parsedSps;
    }

    /**
     * The avcC record for one SPS and one PPS with 4-byte NAL lengths. The tail with chroma format and bit depths
     * (no SPS extensions) is written for every profile but Baseline, Main and Extended, as later editions of
     * 14496-15 and ffmpeg do: early editions listed only the High profiles 100/110/122/144, which left 4:4:4
     * Predictive (244) without it.
     */
    static byte[] avcDecoderConfiguration(byte[] sps, byte[] pps, H264Sps parsed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + sps.length + pps.length);
        out.write(1); // configurationVersion
        out.write(sps[1]); // AVCProfileIndication
        out.write(sps[2]); // profile_compatibility
        out.write(sps[3]); // AVCLevelIndication
        out.write(0xff); // reserved 111111, lengthSizeMinusOne = 3
        out.write(0xe1); // reserved 111, numOfSequenceParameterSets = 1
        writeWithLength(out, sps);
        out.write(1); // numOfPictureParameterSets
        writeWithLength(out, pps);
        int profile = parsed.profileIdc();
        if (profile != 66 && profile != 77 && profile != 88) {
            out.write(0xfc | parsed.chromaFormatIdc());
            out.write(0xf8 | ((parsed.bitDepthLuma() - 8) & 7));
            out.write(0xf8 | ((parsed.bitDepthChroma() - 8) & 7));
            out.write(0); // numOfSequenceParameterSetExt
        }
        return out.toByteArray();
    }

    private static void writeWithLength(ByteArrayOutputStream out, byte[] nal) {
        out.write(nal.length >>> 8);
        out.write(nal.length);
        out.write(nal, 0, nal.length);
    }

    private static boolean same(byte[] current, byte[] nal, int offset, int length) {
        return current != null && Arrays.equals(current, 0, current.length, nal, offset, offset + length);
    }
}
