package io.callrec.media.codec;

import static io.callrec.media.codec.CollectedFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class G711DepacketizerTest {

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"PCMA", "PCMU"})
    void eachPayloadIsOneFrameOfTheSameBytes(Codec codec) {
        G711Depacketizer g711 = new G711Depacketizer(codec, 1);
        CollectedFrames sink = new CollectedFrames();

        g711.push(bytes(0x80, 0x00, 0xff, 0x55), 160, false, false, sink);

        assertArrayEquals(new byte[] {(byte) 0x80, 0x00, (byte) 0xff, 0x55}, sink.only().data());
        assertEquals(160, sink.only().timestamp());
        assertEquals(TrackFormat.audio(codec, 8000, 8000, 1, null), g711.format());
    }

    @Test
    void thePayloadIsTakenFromItsOffsetInTheBufferWhichIsNotMoved() {
        ByteBuffer packet = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3, 9});
        packet.position(2).limit(5);
        CollectedFrames sink = new CollectedFrames();

        new G711Depacketizer(Codec.PCMA, 1).push(packet, 0, false, false, sink);

        assertArrayEquals(new byte[] {1, 2, 3}, sink.only().data());
        assertEquals(2, packet.position());
    }

    @Test
    void aStereoStreamKeepsItsInterleavedBytes() {
        G711Depacketizer stereo = new G711Depacketizer(Codec.PCMU, 2);
        CollectedFrames sink = new CollectedFrames();

        stereo.push(bytes(1, 2, 3, 4), 0, false, false, sink);

        assertArrayEquals(new byte[] {1, 2, 3, 4}, sink.only().data());
        assertEquals(2, stereo.format().channels());
    }

    @Test
    void onlyG711() {
        assertThrows(IllegalArgumentException.class, () -> new G711Depacketizer(Codec.G722, 1));
        assertThrows(IllegalArgumentException.class, () -> new G711Depacketizer(Codec.PCMA, 0));
    }
}
