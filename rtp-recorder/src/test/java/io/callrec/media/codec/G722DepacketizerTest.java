package io.callrec.media.codec;

import static io.callrec.media.codec.CollectedFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class G722DepacketizerTest {

    @Test
    void passesPayloadsThrough() {
        G722Depacketizer g722 = new G722Depacketizer();
        CollectedFrames sink = new CollectedFrames();
        g722.push(bytes(1, 2, 3), 160, false, false, sink);
        g722.push(bytes(4), 163, false, false, sink);

        assertArrayEquals(new byte[] {1, 2, 3}, sink.frames.get(0).data());
        assertArrayEquals(new byte[] {4}, sink.frames.get(1).data());
        assertEquals(163, sink.frames.get(1).timestamp());
    }

    @Test
    void declaresAnEightKilohertzClockAndSixteenKilohertzSampling() {
        assertEquals(TrackFormat.audio(Codec.G722, 8000, 16000, 1, null), new G722Depacketizer().format());
    }
}
