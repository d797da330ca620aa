package io.callrec.testing.media;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads VP8 frames from an IVF file (ffmpeg {@code -c:v libvpx -f ivf}). */
public final class Ivf {
    private static final int FILE_HEADER = 32;
    private static final int FRAME_HEADER = 12;

    private Ivf() {
    }

    public static MediaTrack readVp8(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < FILE_HEADER || in.getInt(0) != 0x46494B44) { // "DKIF"
            throw new IllegalArgumentException("not an IVF file (" + file.length + " bytes)");
        }
        int headerLength = in.getShort(6) & 0xFFFF;
        int width = in.getShort(12) & 0xFFFF;
        int height = in.getShort(14) & 0xFFFF;
        long rate = in.getInt(16) & 0xFFFFFFFFL;
        long scale = in.getInt(20) & 0xFFFFFFFFL;
        List<MediaFrame> frames = new ArrayList<>();
        int pos = headerLength;
        long step = 0;
        while (pos + FRAME_HEADER <= file.length) {
            int size = in.getInt(pos);
            long pts = in.getLong(pos + 4);
            byte[] data = new byte[size];
            in.get(pos + FRAME_HEADER, data);
            long micros = pts * scale * 1_000_000L / rate;
            if (!frames.isEmpty()) {
                step = micros - frames.get(frames.size() - 1).timeMicros();
            }
            // VP8 frame tag (RFC 6386 section 9.1): bit 0 clear = key frame.
            frames.add(new MediaFrame(micros, (data[0] & 1) == 0, data));
            pos += FRAME_HEADER + size;
        }
        long end = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).timeMicros() + step;
        return new MediaTrack(TrackFormat.video(Codec.VP8, width, height, null), frames, end);
    }
}
