package io.callrec.record;

import io.callrec.media.codec.TrackFormat;
import java.util.ArrayList;
import java.util.List;

/** What the manifest says about one output track; filled by the worker thread, read after the recording ended. */
final class TrackStats {
    final String id;
    final Party party;
    final int stream;
    final String kind;
    final String encoding;
    final int payloadType;
    final TrackFormat format;
    final List<Integer> ssrcs = new ArrayList<>();
    final List<String> files = new ArrayList<>();
    long frames;
    long bytes;
    long framesBeforeKeyframe;
    /** Frames of a second source that fell behind what another source had already written on the track. */
    long framesOverlapping;
    /** The SSRC whose frame was written last. */
    int lastSsrc;
    long firstRtpTimestamp = -1;
    long firstWallMicros;
    long startMicros = -1;
    long endMicros;
    String syncSource;
    long srNtpMicros;
    long srRtpTimestamp;
    long offsetMicros;

    TrackStats(String id, Party party, int stream, String kind, String encoding, int payloadType, TrackFormat format) {
        this.id = id;
        this.party = party;
        this.stream = stream;
        this.kind = kind;
        this.encoding = encoding;
        this.payloadType = payloadType;
        this.format = format;
    }
}
