package io.callrec.record;

import io.callrec.media.relay.RecordingTap;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.Side;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recorder's tap on one call's relay session. Without a running recording it only remembers each sender's latest
 * RTCP Sender Report (about one packet a second per stream), so a recording started mid-call can sync at once; with
 * recordings it copies each packet into their rings. Never blocks, never allocates per RTP packet.
 */
public final class MediaFork implements RecordingTap {
    private static final ActiveRecording[] NONE = new ActiveRecording[0];

    private final RelaySession session;
    private final long baseNanos;
    private final long baseWallMicros;
    private final ConcurrentHashMap<Integer, RememberedReport> lastReports = new ConcurrentHashMap<>();
    private volatile ActiveRecording[] recordings = NONE;

    private record RememberedReport(long arrivalMicros, int flags, int stream, byte[] packet) {
    }

    MediaFork(RelaySession session) {
        this.session = session;
        this.baseNanos = System.nanoTime();
        this.baseWallMicros = System.currentTimeMillis() * 1000L;
    }

    /** The relay session this fork taps. */
    public RelaySession session() {
        return session;
    }

    @Override
    public void onPacket(RelayStream stream, Side from, boolean rtcp, ByteBuffer packet, long receivedNanos) {
        ActiveRecording[] active = recordings;
        int flags = (from == Side.B ? PacketRing.FLAG_SIDE_B : 0) | (rtcp ? PacketRing.FLAG_RTCP : 0);
        if (rtcp && packet.remaining() >= 8 && (packet.get(packet.position() + 1) & 0xff) == 200) {
            byte[] copy = new byte[packet.remaining()];
            packet.duplicate().get(copy);
            lastReports.put(stream.index() * 2 + from.ordinal(),
                    new RememberedReport(micros(receivedNanos), flags, stream.index(), copy));
        }
        if (active.length == 0) {
            return;
        }
        long micros = micros(receivedNanos);
        for (ActiveRecording recording : active) {
            if (recording.accepts(from)) {
                recording.offer(packet, micros, flags, stream.index());
            }
        }
    }

    /** Wall-clock microseconds of a relay receive time. */
    long micros(long nanos) {
        return baseWallMicros + (nanos - baseNanos) / 1000L;
    }

    long nowMicros() {
        return micros(System.nanoTime());
    }

    synchronized void attach(ActiveRecording recording) {
        // The last Sender Reports go first, so the new recording maps its sources without waiting for the next ones.
        for (RememberedReport r : lastReports.values()) {
            recording.offer(ByteBuffer.wrap(r.packet), r.arrivalMicros, r.flags, r.stream);
        }
        ActiveRecording[] next = Arrays.copyOf(recordings, recordings.length + 1);
        next[next.length - 1] = recording;
        recordings = next;
    }

    synchronized void detach(ActiveRecording recording) {
        ActiveRecording[] current = recordings;
        int n = 0;
        ActiveRecording[] next = new ActiveRecording[current.length];
        for (ActiveRecording r : current) {
            if (r != recording) {
                next[n++] = r;
            }
        }
        recordings = n == 0 ? NONE : Arrays.copyOf(next, n);
    }

    int activeRecordings() {
        return recordings.length;
    }
}
