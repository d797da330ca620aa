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
    private static final int NAL_SEI = 6;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final int NAL_AUD = 9;

    private H264AnnexB() {
    }

    /** Access units of {@code stream}, frame {@code i} at {@code i / fps} seconds. */
    public static MediaTrack read(byte[] stream, int width, int height, int fps) {
        List<byte[]> nals = splitNals(stream);
        byte[] sps = null;
        byte[] pps = null;
        List<MediaFrame> frames = new ArrayList<>();
        ByteArrayOutputStream unit = new ByteArrayOutputStream();
        boolean unitHasSlice = false;
        boolean unitIsKey = false;
        for (byte[] nal : nals) {
            int type = nal[0] & 0x1F;
            boolean slice = type == NAL_SLICE || type == NAL_IDR;
            // first_mb_in_slice is ue(v) right after the NAL header: 0 is the single bit '1'.
            boolean firstSliceOfPicture = slice && nal.length > 1 && (nal[1] & 0x80) != 0;
            boolean startsUnit = firstSliceOfPicture
                    || type == NAL_AUD || type == NAL_SEI || type == NAL_SPS || type == NAL_PPS;
            if (startsUnit && unitHasSlice) {
                frames.add(frame(frames.size(), fps, unitIsKey, unit));
                unit.reset();
                unitHasSlice = false;
                unitIsKey = false;
            }
            if (type == NAL_SPS && sps == null) {
                sps = nal;
            } else if (type == NAL_PPS && pps == null) {
                pps = nal;
            }
            unitHasSlice |= slice;
            unitIsKey |= type == NAL_IDR;
            unit.write(nal.length >>> 24);
            unit.write(nal.length >>> 16);
            unit.write(nal.length >>> 8);
            unit.write(nal.length);
            unit.writeBytes(nal);
        }
        if (unitHasSlice) {
            frames.add(frame(frames.size(), fps, unitIsKey, unit));
        }
        if (sps == null || pps == null) {
            throw new IllegalArgumentException("no SPS/PPS in the H.264 stream (" + stream.length + " bytes)");
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

    /** NAL units between start codes (00 00 01, or 00 00 00 01), without trailing zero bytes. */
    static List<byte[]> splitNals(byte[] s) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + 2 < s.length; i++) {
            if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
                starts.add(i + 3);
                i += 2;
            }
        }
        List<byte[]> nals = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            int from = starts.get(k);
            int to = k + 1 < starts.size() ? starts.get(k + 1) - 3 : s.length;
            while (to > from && s[to - 1] == 0) {
                to--;
            }
            if (to > from) {
                byte[] nal = new byte[to - from];
                System.arraycopy(s, from, nal, 0, nal.length);
                nals.add(nal);
            }
        }
        return nals;
    }

    private static MediaFrame frame(int index, int fps, boolean key, ByteArrayOutputStream unit) {
        return new MediaFrame(index * 1_000_000L / fps, key, unit.toByteArray());
    }
}
