package io.callrec.testing.media;

import io.callrec.media.codec.TrackFormat;
import java.util.List;

/**
 * An encoded elementary stream made by ffmpeg, split into frames, with the track format a depacketizer would
 * report.
 *
 * @param durationMicros the source's duration: end of its last frame
 */
public record MediaTrack(TrackFormat format, List<MediaFrame> frames, long durationMicros) {
    public MediaTrack {
        frames = List.copyOf(frames);
    }

    /** The same frames moved {@code offsetMicros} later on the timeline. */
    public MediaTrack shifted(long offsetMicros) {
        return new MediaTrack(format, frames.stream()
                .map(f -> new MediaFrame(f.timeMicros() + offsetMicros, f.keyframe(), f.data())).toList(),
                durationMicros + offsetMicros);
    }
}
