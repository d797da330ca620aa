package io.callrec.media.codec;

import static io.callrec.media.codec.CollectedFrames.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Vp8DepacketizerTest {
    /** Payload descriptor: no extensions, S=1, PID=0. */
    private static final byte[] START = {0x10};
    /** Payload descriptor: no extensions, S=0, PID=0. */
    private static final byte[] CONTINUE = {0x00};

    private final Vp8Depacketizer depacketizer = new Vp8Depacketizer();
    private final CollectedFrames sink = new CollectedFrames();

    /** A keyframe: frame tag with P=0, start code, 14-bit sizes with the scaling bits set, then {@code body} bytes. */
    private static byte[] keyframe(int width, int height, int body, int seed) {
        byte[] frame = new byte[10 + body];
        new Random(seed).nextBytes(frame);
        frame[0] = (byte) (frame[0] & ~0x01);
        frame[3] = (byte) 0x9d;
        frame[4] = 0x01;
        frame[5] = 0x2a;
        frame[6] = (byte) width;
        frame[7] = (byte) ((width >>> 8) | 0xc0);
        frame[8] = (byte) height;
        frame[9] = (byte) ((height >>> 8) | 0x40);
        return frame;
    }

    /** An interframe: frame tag with P=1, then random bytes. */
    private static byte[] interframe(int size, int seed) {
        byte[] frame = new byte[size];
        new Random(seed).nextBytes(frame);
        frame[0] = (byte) (frame[0] | 0x01);
        return frame;
    }

    private void push(byte[] descriptor, byte[] data, long timestamp, boolean marker, boolean loss) {
        depacketizer.push(ByteBuffer.wrap(concat(descriptor, data)), timestamp, marker, loss, sink);
    }

    /** A whole frame in one packet. */
    private void pushFrame(byte[] frame, long timestamp) {
        push(START, frame, timestamp, true, false);
    }

    @Test
    void aKeyframeGivesTheFormat() {
        byte[] key = keyframe(320, 240, 100, 1);
        pushFrame(key, 0);

        CollectedFrames.Frame frame = sink.only();
        assertArrayEquals(key, frame.data());
        assertTrue(frame.keyframe());
        assertEquals(TrackFormat.video(Codec.VP8, 320, 240, null), depacketizer.format());
    }

    @Test
    void allDescriptorExtensionsAreSkipped() {
        byte[] key = keyframe(640, 480, 20, 2);
        // X=1 N=1 S=1 PID=0 | I L T K | M=1 + 15-bit PictureID | TL0PICIDX | TID Y KEYIDX
        byte[] descriptor = {(byte) 0xb0, (byte) 0xf0, (byte) 0x81, 0x23, 0x07, (byte) 0x65};
        push(descriptor, key, 0, true, false);

        assertArrayEquals(key, sink.only().data());
        assertEquals(640, depacketizer.format().width());
    }

    @Test
    void aSevenBitPictureIdAndKeyIdxAloneAreSkipped() {
        byte[] key = keyframe(176, 144, 20, 3);
        push(new byte[] {(byte) 0x90, (byte) 0x90, 0x15, 0x1f}, key, 0, true, false); // I with 7-bit id, K only
        assertArrayEquals(key, sink.only().data());
    }

    @Test
    void aFrameSpanningThreePacketsIsTheirConcatenation() {
        byte[] key = keyframe(320, 240, 3000, 4);
        byte[] a = Arrays.copyOfRange(key, 0, 1000);
        byte[] b = Arrays.copyOfRange(key, 1000, 2000);
        byte[] c = Arrays.copyOfRange(key, 2000, key.length);
        push(START, a, 9000, false, false);
        push(CONTINUE, b, 9000, false, false);
        push(new byte[] {0x11}, c, 9000, true, false); // S=1 with PID=1: a new partition, not a new frame

        CollectedFrames.Frame frame = sink.only();
        assertArrayEquals(key, frame.data());
        assertEquals(9000, frame.timestamp());
    }

    @Test
    void nothingBeforeTheFirstKeyframe() {
        pushFrame(interframe(50, 5), 0);
        pushFrame(interframe(50, 6), 3000);
        assertEquals(0, sink.size());
        assertNull(depacketizer.format());
        assertEquals(2, depacketizer.discarded(Discard.WAITING_FOR_KEYFRAME));

        pushFrame(keyframe(320, 240, 10, 7), 6000);
        assertTrue(sink.only().keyframe());
    }

    @Test
    void aGapDropsTheFrameAndEverythingUntilTheNextKeyframe() {
        pushFrame(keyframe(320, 240, 10, 8), 0);
        byte[] inter = interframe(300, 9);
        push(START, Arrays.copyOfRange(inter, 0, 100), 3000, false, false);
        push(CONTINUE, Arrays.copyOfRange(inter, 200, 300), 3000, true, true); // the middle third was lost
        pushFrame(interframe(50, 10), 6000);
        byte[] nextKey = keyframe(320, 240, 10, 11);
        pushFrame(nextKey, 9000);
        byte[] after = interframe(50, 12);
        pushFrame(after, 12000);

        assertEquals(3, sink.size());
        assertArrayEquals(nextKey, sink.frames.get(1).data());
        assertArrayEquals(after, sink.frames.get(2).data());
        assertEquals(1, depacketizer.discarded(Discard.DAMAGED_FRAME));
        assertEquals(1, depacketizer.discarded(Discard.WAITING_FOR_KEYFRAME));
    }

    @Test
    void aWholeLostFrameAlsoMeansWaitingForAKeyframe() {
        pushFrame(keyframe(320, 240, 10, 13), 0);
        push(START, interframe(50, 14), 6000, true, true); // the frame at 3000 was lost
        assertEquals(1, sink.size());
        assertEquals(1, depacketizer.discarded(Discard.WAITING_FOR_KEYFRAME));
    }

    @Test
    void aMarkerlessFrameEndsWhenTheTimestampChanges() {
        byte[] key = keyframe(320, 240, 10, 15);
        push(START, key, 0, false, false);
        byte[] inter = interframe(30, 16);
        pushFrame(inter, 3000);

        assertEquals(2, sink.size());
        assertEquals(0, sink.frames.get(0).timestamp());
        assertArrayEquals(inter, sink.last().data());
    }

    @Test
    void aMarkerlessFrameFollowedByALossIsDropped() {
        pushFrame(keyframe(320, 240, 10, 17), 0);
        push(START, interframe(30, 18), 3000, false, false);
        pushFrame(keyframe(320, 240, 10, 19), 6000);
        push(START, interframe(30, 20), 9000, false, false);
        push(START, keyframe(320, 240, 5, 21), 12000, true, true); // the end of the frame at 9000 was lost

        assertEquals(4, sink.size(), "key 0, inter 3000, key 6000, key 12000");
        assertEquals(1, depacketizer.discarded(Discard.DAMAGED_FRAME));
    }

    @Test
    void aContinuationWithoutItsStartIsSkippedAndWaitsForAKeyframe() {
        pushFrame(keyframe(320, 240, 10, 22), 0);
        push(CONTINUE, interframe(30, 23), 3000, true, false);
        push(CONTINUE, interframe(30, 31), 3000, true, false);
        pushFrame(interframe(30, 24), 6000);
        assertEquals(1, sink.size());
        assertEquals(1, depacketizer.discarded(Discard.DAMAGED_FRAME), "the frame without start, once");
        assertEquals(1, depacketizer.discarded(Discard.WAITING_FOR_KEYFRAME));
    }

    @Test
    void aKeyframeWithABrokenStartCodeIsDropped() {
        byte[] key = keyframe(320, 240, 10, 25);
        key[4] = 0x02;
        pushFrame(key, 0);
        assertEquals(0, sink.size());
        assertEquals(1, depacketizer.discarded(Discard.DAMAGED_FRAME));
        assertNull(depacketizer.format());
    }

    @Test
    void aSizeChangeOnALaterKeyframeChangesTheFormat() {
        pushFrame(keyframe(320, 240, 10, 26), 0);
        pushFrame(keyframe(640, 360, 10, 27), 3000);
        assertEquals(640, depacketizer.format().width());
        assertEquals(360, depacketizer.format().height());
    }

    @Test
    void zeroLengthOneByteAndDescriptorOnlyPayloads() {
        depacketizer.push(ByteBuffer.allocate(0), 0, true, false, sink);
        depacketizer.push(ByteBuffer.wrap(new byte[] {0x10}), 0, true, false, sink);
        depacketizer.push(ByteBuffer.wrap(new byte[] {(byte) 0x90}), 0, true, false, sink);
        depacketizer.push(ByteBuffer.wrap(new byte[] {(byte) 0x90, (byte) 0x80, (byte) 0x81}), 0, true, false, sink);

        assertEquals(1, depacketizer.discarded(Discard.EMPTY_PAYLOAD));
        assertEquals(3, depacketizer.malformed());
        assertEquals("VP8 15-bit PictureID needs 1 bytes, 0 left", depacketizer.lastProblem());
        assertEquals(0, sink.size());
    }

    @Test
    void aMalformedPacketInsideAFrameDropsIt() {
        pushFrame(keyframe(320, 240, 10, 28), 0);
        push(START, interframe(30, 29), 3000, false, false);
        depacketizer.push(ByteBuffer.wrap(new byte[] {(byte) 0x80}), 3000, false, false, sink);
        push(CONTINUE, interframe(30, 30), 3000, true, false);
        assertEquals(1, sink.size());
        assertEquals(1, depacketizer.discarded(Discard.DAMAGED_FRAME));
        assertEquals(1, depacketizer.malformed());
    }

    @Test
    void garbageNeverThrows() {
        Random random = new Random(7);
        Vp8Depacketizer d = new Vp8Depacketizer(10_000);
        long timestamp = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] payload = new byte[random.nextInt(30)];
            random.nextBytes(payload);
            timestamp += random.nextInt(3) == 0 ? 3000 : 0;
            d.push(ByteBuffer.wrap(payload), timestamp, random.nextInt(4) == 0, random.nextInt(20) == 0, sink);
        }
        d.flush(sink);
        assertTrue(d.malformed() > 0);
        assertEquals(0, d.discarded(Discard.PARSER_FAILURE));
        for (CollectedFrames.Frame frame : sink.frames) {
            assertTrue(frame.data().length > 0);
        }
    }
}
