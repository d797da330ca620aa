package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MediaForkTest {

    private static ByteBuffer event(int pt, int seq, long ts, int event, boolean end) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put((byte) 0x80).put((byte) pt).putShort((short) seq).putInt((int) ts).putInt(42);
        b.put((byte) event).put((byte) (end ? 0x80 : 0)).putShort((short) 400);
        return b.flip();
    }

    @Test
    void eachKeyPressIsReportedOnceWhateverItsPacketCount() throws Exception {
        try (RtpRelay relay = RtpRelay.start(RelayConfig.defaults(InetAddress.getLoopbackAddress())
                .withPorts(26900, 26919).withTimeouts(Duration.ofSeconds(2), Duration.ZERO));
             RelaySession session = relay.openSession("dtmf", (s, idle) -> { })) {
            RelayStream audio = session.stream(0, "audio");
            MediaFork fork = new MediaFork(session);
            Map<Integer, PayloadFormat> fromA = Map.of(8, new PayloadFormat(8, "PCMA", 8000, 1, Map.of()),
                    101, new PayloadFormat(101, "telephone-event", 8000, 1, Map.of()));
            Map<Integer, PayloadFormat> fromB = Map.of(8, new PayloadFormat(8, "PCMA", 8000, 1, Map.of()));
            List<String> seen = new CopyOnWriteArrayList<>();
            fork.watchDtmf((side, digit, ts) -> seen.add(side + ":" + digit + "@" + ts), new MediaFormats(Map.of(
                    0, new MediaFormats.StreamFormats(0, "audio", fromA, fromB, false, false))));
            long now = System.nanoTime();
            // '1': start, update, three end packets (RFC 4733 §2.5.1.4 repeats the end)
            fork.onPacket(audio, Side.A, false, event(101, 1, 1000, 1, false), now);
            fork.onPacket(audio, Side.A, false, event(101, 2, 1000, 1, false), now);
            for (int i = 0; i < 3; i++) {
                fork.onPacket(audio, Side.A, false, event(101, 3 + i, 1000, 1, true), now);
            }
            fork.onPacket(audio, Side.A, false, event(8, 6, 1160, 1, false), now); // audio, not an event
            fork.onPacket(audio, Side.A, false, event(101, 7, 2000, 11, true), now); // '#'
            fork.onPacket(audio, Side.A, false, event(101, 8, 3000, 16, false), now); // flash: not a key
            fork.onPacket(audio, Side.A, true, event(101, 9, 4000, 5, false), now); // RTCP port: ignored
            fork.onPacket(audio, Side.B, false, event(101, 1, 5000, 2, false), now); // B has no telephone-event
            fork.onPacket(audio, Side.A, false, ByteBuffer.wrap(new byte[] {(byte) 0x80, 101}), now); // runt
            assertEquals(List.of("A:1@1000", "A:#@2000"), seen);
            fork.watchDtmf(null, null);
            fork.onPacket(audio, Side.A, false, event(101, 10, 6000, 3, false), now);
            assertEquals(2, seen.size(), "stopped");
        }
    }
}
