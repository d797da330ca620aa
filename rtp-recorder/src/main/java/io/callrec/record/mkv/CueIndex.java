package io.callrec.record.mkv;

import java.util.Arrays;

/**
 * The seek points collected while writing, in primitive arrays (one entry per video keyframe or cluster, not per
 * frame). Points are noted while a cluster is being built and get their cluster's position when it is written.
 */
final class CueIndex {
    /** What a point marks: video files are indexed by keyframes, audio-only files by cluster starts. */
    static final byte KEYFRAME = 1;
    static final byte CLUSTER_START = 2;

    private long[] times = new long[64];
    private int[] tracks = new int[64];
    private long[] clusterPositions = new long[64];
    private int[] relativePositions = new int[64];
    private byte[] kinds = new byte[64];
    private int count;
    /** Points from {@code committed} on belong to the cluster being built; their cluster position is not known yet. */
    private int committed;

    void note(byte kind, int track, long timeMs, int relativePosition) {
        if (count == times.length) {
            int capacity = count * 2;
            times = Arrays.copyOf(times, capacity);
            tracks = Arrays.copyOf(tracks, capacity);
            clusterPositions = Arrays.copyOf(clusterPositions, capacity);
            relativePositions = Arrays.copyOf(relativePositions, capacity);
            kinds = Arrays.copyOf(kinds, capacity);
        }
        times[count] = timeMs;
        tracks[count] = track;
        relativePositions[count] = relativePosition;
        kinds[count] = kind;
        count++;
    }

    /** The cluster holding the points noted since the last commit was written at {@code segmentPosition}. */
    void commit(long segmentPosition) {
        for (int i = committed; i < count; i++) {
            clusterPositions[i] = segmentPosition;
        }
        committed = count;
    }

    /** Forgets the points of {@code kind}: a file that gains a video track no longer needs its cluster starts. */
    void drop(byte kind) {
        int kept = 0;
        int keptCommitted = 0;
        for (int i = 0; i < count; i++) {
            if (kinds[i] == kind) {
                continue;
            }
            times[kept] = times[i];
            tracks[kept] = tracks[i];
            clusterPositions[kept] = clusterPositions[i];
            relativePositions[kept] = relativePositions[i];
            kinds[kept] = kinds[i];
            kept++;
            if (i < committed) {
                keptCommitted = kept;
            }
        }
        count = kept;
        committed = keptCommitted;
    }

    int size(byte kind) {
        int n = 0;
        for (int i = 0; i < committed; i++) {
            if (kinds[i] == kind) {
                n++;
            }
        }
        return n;
    }

    /**
     * Writes a Cues element with the committed points of {@code kind}, in time order; nothing if there are none.
     *
     * @return whether a Cues element was written
     */
    boolean writeTo(EbmlBuffer out, byte kind) {
        int[] order = sortedByTime(kind);
        if (order.length == 0) {
            return false;
        }
        int cues = out.startMaster(MatroskaIds.CUES);
        for (int i : order) {
            int point = out.startMaster(MatroskaIds.CUE_POINT);
            out.putUnsigned(MatroskaIds.CUE_TIME, times[i]);
            int positions = out.startMaster(MatroskaIds.CUE_TRACK_POSITIONS);
            out.putUnsigned(MatroskaIds.CUE_TRACK, tracks[i]);
            out.putUnsigned(MatroskaIds.CUE_CLUSTER_POSITION, clusterPositions[i]);
            out.putUnsigned(MatroskaIds.CUE_RELATIVE_POSITION, relativePositions[i]);
            out.endMaster(positions);
            out.endMaster(point);
        }
        out.endMaster(cues);
        return true;
    }

    /**
     * Indices of the committed points of {@code kind}, stably sorted by time. They were noted in write order, which is
     * time order except for frames that came later than the interleave window: insertion sort is linear for that.
     */
    private int[] sortedByTime(byte kind) {
        int[] order = new int[size(kind)];
        int n = 0;
        for (int i = 0; i < committed; i++) {
            if (kinds[i] != kind) {
                continue;
            }
            int j = n++;
            while (j > 0 && times[order[j - 1]] > times[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        return order;
    }
}
