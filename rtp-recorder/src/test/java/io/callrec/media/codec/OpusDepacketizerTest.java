package io.callrec.media.codec;

import static io.callrec.media.codec.CollectedFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpusDepacketizerTest {

    @Test
    void eachPayloadIsOneFrameAtItsTimestamp() {
        OpusDepacketizer opus = new OpusDepacketizer(2);
        CollectedFrames sink = new CollectedFrames();
        opus.push(bytes(0xfc, 1, 2, 3), 960, false, false, sink);
        opus.push(bytes(0x78), 1920, true, true, sink); // a 1-byte Opus packet (TOC only) is valid: DTX

        assertEquals(2, sink.size());
        assertArrayEquals(new byte[] {(byte) 0xfc, 1, 2, 3}, sink.frames.get(0).data());
        assertEquals(960, sink.frames.get(0).timestamp());
        assertTrue(sink.frames.get(1).keyframe());
        assertEquals(1920, sink.frames.get(1).timestamp());
    }

    @Test
    void anEmptyPayloadIsCountedNotAFrame() {
        OpusDepacketizer opus = new OpusDepacketizer(2);
        CollectedFrames sink = new CollectedFrames();
        opus.push(ByteBuffer.allocate(0), 0, false, false, sink);
        assertEquals(0, sink.size());
        assertEquals(1, opus.discarded(Discard.EMPTY_PAYLOAD));
    }

    @Test
    void theFormatCarriesAnOpusHead() {
        TrackFormat format = new OpusDepacketizer(1).format();
        assertEquals(Codec.OPUS, format.codec());
        assertEquals(48000, format.clockRate());
        assertEquals(48000, format.sampleRate());
        assertEquals(1, format.channels());

        ByteBuffer head = ByteBuffer.wrap(format.codecPrivate()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(19, head.remaining());
        byte[] magic = new byte[8];
        head.get(magic);
        assertEquals("OpusHead", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(1, head.get()); // version
        assertEquals(1, head.get()); // channels
        assertEquals(0, head.getShort()); // pre-skip
        assertEquals(48000, head.getInt()); // input sample rate
        assertEquals(0, head.getShort()); // output gain
        assertEquals(0, head.get()); // mapping family
    }

    @Test
    void onlyMonoOrStereo() {
        assertThrows(IllegalArgumentException.class, () -> new OpusDepacketizer(3));
        assertEquals(2, new OpusDepacketizer(2).format().codecPrivate()[9]);
    }
}
