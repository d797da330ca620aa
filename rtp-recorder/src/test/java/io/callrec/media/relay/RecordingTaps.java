package io.callrec.media.relay;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test taps. */
final class RecordingTaps {
    private RecordingTaps() {
    }

    /** One packet as the tap saw it (bytes copied, as the contract demands). */
    record Seen(int streamIndex, Side from, boolean rtcp, byte[] data, long receivedNanos) {
    }

    /** Copies every packet it is given. */
    static final class Collecting implements RecordingTap {
        final List<Seen> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onPacket(RelayStream stream, Side from, boolean rtcp, ByteBuffer packet, long receivedNanos) {
            byte[] copy = new byte[packet.remaining()];
            packet.duplicate().get(copy);
            seen.add(new Seen(stream.index(), from, rtcp, copy, receivedNanos));
        }
    }
}
