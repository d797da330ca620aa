package io.callrec.testing.media;

import io.callrec.media.codec.TrackFormat;
import java.util.ArrayList;
import java.util.List;

/** Cuts a raw constant-bitrate audio stream (PCM s16le, G.722, G.711) into fixed-duration frames. */
public final class RawAudio {
    private RawAudio() {
    }

    /**
     * @param bytesPerSecond the stream's byte rate (s16le 8 kHz mono: 16000; G.722: 8000; G.711: 8000)
     * @param frameMillis    frame duration; the last frame may be shorter
     */
    public static MediaTrack frames(byte[] stream, TrackFormat format, int bytesPerSecond, int frameMillis) {
        int frameBytes = bytesPerSecond * frameMillis / 1000;
        List<MediaFrame> frames = new ArrayList<>();
        for (int pos = 0; pos < stream.length; pos += frameBytes) {
            int length = Math.min(frameBytes, stream.length - pos);
            byte[] data = new byte[length];
            System.arraycopy(stream, pos, data, 0, length);
            frames.add(new MediaFrame(pos * 1_000_000L / bytesPerSecond, true, data));
        }
        return new MediaTrack(format, frames, stream.length * 1_000_000L / bytesPerSecond);
    }
}
