package io.callrec.record;

import io.callrec.media.relay.RecordingTap;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.Side;
import io.callrec.media.rtp.RtpHeader;
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
    private volatile DtmfWatch dtmf;

    /** Telephone-event payload type per stream (index) and sending side (0 = A, 1 = B); -1 = none. */
    private record DtmfWatch(DtmfListener listener, int[][] payloadTypes, long[][] lastEvent) {
    }

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
        DtmfWatch watch = dtmf;
        if (watch != null && !rtcp) {
            watchDtmf(watch, stream.index(), from, packet);
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

    /**
     * Reports key presses (RFC 4733) to {@code listener}; {@code formats} says which payload type carries them on
     * which stream and side. Call again after a re-INVITE; null stops it.
     */
    public void watchDtmf(DtmfListener listener, MediaFormats formats) {
        if (listener == null) {
            dtmf = null;
            return;
        }
        int streams = 0;
        for (int index : formats.streams().keySet()) {
            streams = Math.max(streams, index + 1);
        }
        int[][] types = new int[streams][2];
        long[][] last = new long[streams][2];
        for (int i = 0; i < streams; i++) {
            for (Side side : Side.values()) {
                types[i][side.ordinal()] = -1;
                last[i][side.ordinal()] = -1;
                MediaFormats.StreamFormats f = formats.streams().get(i);
                if (f != null) {
                    for (PayloadFormat p : f.sentBy(side).values()) {
                        if (p.isTelephoneEvent() && p.clockRate() == 8000) {
                            types[i][side.ordinal()] = p.payloadType();
                        }
                    }
                }
            }
        }
        dtmf = new DtmfWatch(listener, types, last);
    }

    private static final String EVENTS = "0123456789*#ABCD";

    /** Relay thread; the stream's packets come on one thread, so last-event bookkeeping needs no lock. */
    private static void watchDtmf(DtmfWatch watch, int stream, Side from, ByteBuffer packet) {
        if (stream >= watch.payloadTypes.length || !RtpHeader.isValid(packet)) {
            return;
        }
        int pt = watch.payloadTypes[stream][from.ordinal()];
        if (pt < 0 || RtpHeader.payloadType(packet) != pt || RtpHeader.payloadLength(packet) < 4) {
            return;
        }
        int event = packet.get(packet.position() + RtpHeader.payloadOffset(packet)) & 0xff;
        long timestamp = RtpHeader.timestamp(packet);
        if (event >= EVENTS.length() || watch.lastEvent[stream][from.ordinal()] == timestamp) {
            return; // not a key (flash, tones) or a repeat of the event already reported
        }
        watch.lastEvent[stream][from.ordinal()] = timestamp;
        try {
            watch.listener.onDigit(from, EVENTS.charAt(event), timestamp);
        } catch (RuntimeException e) {
            // the listener's problem must not reach the relay's packet path
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
