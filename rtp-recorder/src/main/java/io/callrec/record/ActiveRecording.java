package io.callrec.record;

import io.callrec.media.relay.Side;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running recording as its worker sees it: the ring the relay threads fill, its place in the worker's journal and
 * the pipeline. Only
 * {@link #accepts} and {@link #offer} run on relay threads; everything else runs on the recording's worker.
 */
final class ActiveRecording {
    final RecordingSpec spec;
    final Path directory;
    final long startMicros;
    final MediaFork fork;
    final PacketRing ring;
    /** The worker's journal and this recording's place in it; set on the worker's thread when it takes it on. */
    WorkerJournal journal;
    WorkerJournal.Entry journalEntry;
    final RecordingPipeline pipeline;
    final List<Map<String, Object>> pauses = new ArrayList<>();
    /** Consent decisions made after the start, for the manifest (worker thread). */
    final List<Map<String, Object>> consent = new ArrayList<>();
    private volatile boolean paused;
    private final boolean recordsA;
    private final boolean recordsB;
    /** Reused views over the ring's two buffers: no ByteBuffer per packet. */
    private ByteBuffer viewOne;
    private ByteBuffer viewTwo;
    long lastTickMicros;
    long reportedOverflow;
    long lastOverflowReportMicros;
    /** Why the worker gave up on the recording ("disk-full: No space left on device"), or null; worker thread. */
    String failure;
    /** The failure was the disk filling up: its journal records are dropped to make room for closing the files. */
    boolean diskFull;

    ActiveRecording(RecordingSpec spec, Path directory, long startMicros, MediaFork fork, int queueBytes,
                    RecordingPipeline pipeline) {
        this.spec = spec;
        this.directory = directory;
        this.startMicros = startMicros;
        this.fork = fork;
        this.ring = new PacketRing(queueBytes);
        this.recordsA = spec.records(Side.A);
        this.recordsB = spec.records(Side.B);
        this.pipeline = pipeline;
        this.lastTickMicros = startMicros;
    }

    /** Relay thread: is what {@code from} sends wanted now? */
    boolean accepts(Side from) {
        // from fields of this object: the spec is one more cache line to miss per packet
        return !paused && (from == Side.A ? recordsA : recordsB);
    }

    /** Relay thread. */
    void offer(ByteBuffer packet, long micros, int flags, int stream) {
        ring.offer(packet, micros, flags, stream);
    }

    boolean paused() {
        return paused;
    }

    void setPaused(boolean paused) {
        this.paused = paused;
    }

    /** Worker: moves what the relay handed over into the journal and the pipeline. */
    void drain() {
        ByteBuffer entries = ring.take();
        while (entries.remaining() >= PacketRing.ENTRY_HEADER) {
            int length = entries.getInt();
            long arrival = entries.getLong();
            int flags = entries.get() & 0xff;
            int stream = entries.getShort() & 0xffff;
            ByteBuffer packet = viewOf(entries);
            packet.limit(entries.position() + length).position(entries.position());
            journal.packet(journalEntry, arrival, flags, stream, packet);
            pipeline.onPacket(arrival, flags, stream, packet);
            entries.position(entries.position() + length);
        }
    }

    /** A reusable view over the ring buffer {@code entries}; the ring grows its buffers, so views follow. */
    private ByteBuffer viewOf(ByteBuffer entries) {
        if (viewOne != null && viewOne.array() == entries.array()) {
            return viewOne.clear();
        }
        if (viewTwo != null && viewTwo.array() == entries.array()) {
            return viewTwo.clear();
        }
        // A new buffer (first use or grown): it replaces the older of the two views.
        viewTwo = viewOne;
        viewOne = entries.duplicate();
        return viewOne.clear();
    }

    Map<String, Object> pauseEntry(long atMicros) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("fromMs", (atMicros - startMicros) / 1000.0);
        pauses.add(p);
        return p;
    }

    void endPause(long atMicros) {
        if (!pauses.isEmpty()) {
            pauses.get(pauses.size() - 1).put("toMs", (atMicros - startMicros) / 1000.0);
        }
    }
}
