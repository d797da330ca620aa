package io.callrec.testing.media;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import java.util.ArrayList;
import java.util.List;

/** VP8 frames of an IVF file (ffmpeg {@code -c:v libvpx -f ivf}) as a track for the Matroska writer's tests. */
public final class Ivf {
    private Ivf() {
    }

    public static MediaTrack readVp8(byte[] file) {
        IvfReader.Header header = IvfReader.header(file);
        long rate = header.timebaseDenominator() & 0xFFFFFFFFL;
        long scale = header.timebaseNumerator() & 0xFFFFFFFFL;
        List<MediaFrame> frames = new ArrayList<>();
        long step = 0;
        for (IvfReader.Frame f : IvfReader.frames(file)) {
            long micros = f.pts() * scale * 1_000_000L / rate;
            if (!frames.isEmpty()) {
                step = micros - frames.get(frames.size() - 1).timeMicros();
            }
            // VP8 frame tag (RFC 6386 section 9.1): bit 0 clear = key frame.
            frames.add(new MediaFrame(micros, (f.data()[0] & 1) == 0, f.data()));
        }
        long end = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).timeMicros() + step;
        return new MediaTrack(TrackFormat.video(Codec.VP8, header.width(), header.height(), null), frames, end);
    }
}
