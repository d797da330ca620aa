package io.callrec.record.mkv;

import java.util.Objects;

/**
 * One track as declared in the file's Tracks element.
 *
 * @param number track number (1..), as SimpleBlocks name it
 * @param uid    random, non-zero: identifies the track across files (e.g. the combined and the per-party file)
 * @param name   the track's Name, as given
 * @param codec  the codec declaration
 */
record TrackEntry(int number, long uid, String name, TrackCodec codec) {

    TrackEntry {
        if (number < 1) {
            throw new IllegalArgumentException("track number " + number + " must be at least 1");
        }
        if (uid == 0) {
            throw new IllegalArgumentException("track UID must not be 0");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(codec, "codec");
    }

    void writeTo(EbmlBuffer out) {
        int entry = out.startMaster(MatroskaIds.TRACK_ENTRY);
        out.putUnsigned(MatroskaIds.TRACK_NUMBER, number);
        out.putUnsigned(MatroskaIds.TRACK_UID, uid);
        out.putUnsigned(MatroskaIds.TRACK_TYPE, codec.trackType());
        // Every block holds one frame: lacing would only save bytes on tiny audio frames, at the cost of timing.
        out.putUnsigned(MatroskaIds.FLAG_LACING, 0);
        out.putString(MatroskaIds.LANGUAGE, "und");
        if (!name.isEmpty()) {
            out.putString(MatroskaIds.NAME, name);
        }
        out.putString(MatroskaIds.CODEC_ID, codec.codecId());
        byte[] codecPrivate = codec.codecPrivate();
        if (codecPrivate.length > 0) {
            out.putBinary(MatroskaIds.CODEC_PRIVATE, codecPrivate);
        }
        if (codec.codecDelayNanos() > 0) {
            out.putUnsigned(MatroskaIds.CODEC_DELAY, codec.codecDelayNanos());
        }
        if (codec.seekPreRollNanos() > 0) {
            out.putUnsigned(MatroskaIds.SEEK_PRE_ROLL, codec.seekPreRollNanos());
        }
        if (codec.isVideo()) {
            if (codec.width() > 0) {
                int video = out.startMaster(MatroskaIds.VIDEO);
                out.putUnsigned(MatroskaIds.PIXEL_WIDTH, codec.width());
                out.putUnsigned(MatroskaIds.PIXEL_HEIGHT, codec.height());
                out.endMaster(video);
            }
        } else {
            int audio = out.startMaster(MatroskaIds.AUDIO);
            out.putFloat(MatroskaIds.SAMPLING_FREQUENCY, codec.samplingFrequency());
            out.putUnsigned(MatroskaIds.CHANNELS, codec.channels());
            if (codec.bitDepth() > 0) {
                out.putUnsigned(MatroskaIds.BIT_DEPTH, codec.bitDepth());
            }
            out.endMaster(audio);
        }
        out.endMaster(entry);
    }
}
