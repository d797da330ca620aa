package io.callrec.testing.media;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an H.264 Annex-B elementary stream (ffmpeg {@code -bsf:v h264_mp4toannexb -f h264}) into access units in
 * AVCC form (4-byte big-endian NAL lengths), the form the H.264 depacketizer hands over, and builds the avcC
 * record from the stream's first SPS and PPS. Meant for constant-rate streams without B-frames (RTP order).
 */
public final class H264AnnexB {
    private static final int NAL_SLICE = 1;
    private static final int NAL_IDR = 5;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;

    private H264AnnexB() {
    }

    /** Access units of {@code stream}, frame {@code i} at {@code i / fps} seconds. */
    public static MediaTrack read(byte[] stream, int width, int height, int fps) {
        List<byte[]> nals = AnnexB.nalUnits(stream);
        byte[] sps = AnnexB.firstOfType(nals, NAL_SPS);
        byte[] pps = AnnexB.firstOfType(nals, NAL_PPS);
        if (sps == null || pps == null) {
            throw new IllegalArgumentException("no SPS/PPS in the H.264 stream (" + stream.length + " bytes)");
        }
        List<MediaFrame> frames = new ArrayList<>();
        for (List<byte[]> unit : AnnexB.accessUnits(nals)) {
            boolean hasSlice = false;
            boolean key = false;
            for (byte[] nal : unit) {
                int type = nal[0] & 0x1F;
                hasSlice |= type == NAL_SLICE || type == NAL_IDR;
                key |= type == NAL_IDR;
            }
            if (hasSlice) { // a trailing unit of parameter sets alone is not a frame
                frames.add(new MediaFrame(frames.size() * 1_000_000L / fps, key, AnnexB.avcc(unit)));
            }
        }
        TrackFormat format = TrackFormat.video(Codec.H264, width, height, avcC(sps, pps));
        return new MediaTrack(format, frames, frames.size() * 1_000_000L / fps);
    }

    /** avcC (ISO/IEC 14496-15 AVCDecoderConfigurationRecord) for baseline/main profiles: one SPS, one PPS. */
    public static byte[] avcC(byte[] sps, byte[] pps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(sps[1]);
        out.write(sps[2]);
        out.write(sps[3]);
        out.write(0xFF); // 4-byte NAL lengths
        out.write(0xE1); // one SPS
        out.write(sps.length >>> 8);
        out.write(sps.length);
        out.writeBytes(sps);
        out.write(1);
        out.write(pps.length >>> 8);
        out.write(pps.length);
        out.writeBytes(pps);
        return out.toByteArray();
    }
}
