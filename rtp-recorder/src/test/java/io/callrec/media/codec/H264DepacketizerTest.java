package io.callrec.media.codec;

import static io.callrec.media.codec.CollectedFrames.bytes;
import static io.callrec.media.codec.CollectedFrames.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {
    private static final String SPROP_640X360 = "Z0LAHtoCgL/lwEQAAAMABAAAAwDIPFi6gA==,aM4PyA==";
    private static final byte[] SPS_640X360 = H264SpsTest.BASELINE_640X360;
    private static final byte[] PPS = H264ParameterSetsTest.PPS;
    /** libx264's baseline SPS for 176x144. */
    private static final byte[] SPS_176X144 = Base64.getDecoder().decode("Z0LAC9kCxOwEQAAAAwBAAAAMg8UKkg==");

    private final H264Depacketizer depacketizer = new H264Depacketizer(null);
    private final CollectedFrames sink = new CollectedFrames();

    /** A slice NAL unit: IDR or not, first of its picture (first_mb_in_slice 0) or not, {@code size} bytes. */
    private static byte[] slice(boolean idr, boolean firstInPicture, int size, int seed) {
        byte[] nal = new byte[size];
        new Random(seed).nextBytes(nal);
        nal[0] = (byte) (idr ? 0x65 : 0x41);
        nal[1] = (byte) (firstInPicture ? (nal[1] | 0x80) : (nal[1] & 0x7f));
        return nal;
    }

    private static byte[] stapA(byte[]... nals) {
        ByteBuffer out = ByteBuffer.allocate(1 + Arrays.stream(nals).mapToInt(n -> 2 + n.length).sum());
        out.put((byte) 0x78);
        for (byte[] nal : nals) {
            out.putShort((short) nal.length).put(nal);
        }
        return out.array();
    }

    /** FU-A packets for {@code nal} cut into {@code pieces} fragments. */
    private static List<byte[]> fuA(byte[] nal, int pieces) {
        List<byte[]> packets = new ArrayList<>();
        int body = nal.length - 1;
        for (int i = 0; i < pieces; i++) {
            int from = 1 + body * i / pieces;
            int to = 1 + body * (i + 1) / pieces;
            byte[] packet = new byte[2 + to - from];
            packet[0] = (byte) ((nal[0] & 0xe0) | 28);
            packet[1] = (byte) ((i == 0 ? 0x80 : 0) | (i == pieces - 1 ? 0x40 : 0) | (nal[0] & 0x1f));
            System.arraycopy(nal, from, packet, 2, to - from);
            packets.add(packet);
        }
        return packets;
    }

    private static byte[] avcc(byte[]... nals) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(nals).mapToInt(n -> 4 + n.length).sum());
        for (byte[] nal : nals) {
            out.putInt(nal.length).put(nal);
        }
        return out.array();
    }

    private void push(byte[] payload, long timestamp, boolean marker) {
        push(payload, timestamp, marker, false);
    }

    private void push(byte[] payload, long timestamp, boolean marker, boolean loss) {
        depacketizer.push(ByteBuffer.wrap(payload), timestamp, marker, loss, sink);
    }

    /** An intact IDR access unit at {@code timestamp}, so later damaged ones are stored rather than dropped. */
    private byte[] startWithKeyframe(long timestamp) {
        byte[] idr = slice(true, true, 50, 1);
        push(stapA(SPS_640X360, PPS), timestamp, false);
        push(idr, timestamp, true);
        assertTrue(sink.last().keyframe());
        return idr;
    }

    @Test
    void singleNalUnitsUpToTheMarkerMakeOneAccessUnit() {
        byte[] first = slice(false, true, 30, 1);
        byte[] second = slice(false, false, 40, 2);
        push(first, 3000, false);
        push(second, 3000, true);

        CollectedFrames.Frame frame = sink.only();
        assertArrayEquals(avcc(first, second), frame.data());
        assertEquals(3000, frame.timestamp());
        assertFalse(frame.keyframe());
        assertNull(depacketizer.format(), "no SPS/PPS seen");
    }

    @Test
    void stapAWithTwoNalUnitsCarriesTheParameterSets() {
        byte[] idr = slice(true, true, 60, 3);
        push(stapA(SPS_640X360, PPS), 0, false);
        push(idr, 0, true);

        CollectedFrames.Frame frame = sink.only();
        assertArrayEquals(avcc(SPS_640X360, PPS, idr), frame.data(), "in-band parameter sets stay in the frame");
        assertTrue(frame.keyframe());
        TrackFormat format = depacketizer.format();
        assertNotNull(format);
        assertEquals(640, format.width());
        assertEquals(360, format.height());
        assertEquals(0, depacketizer.malformed());
    }

    @Test
    void fuAStartMiddleEndRebuildsTheNalUnit() {
        byte[] idr = slice(true, true, 3001, 4);
        idr[0] = 0x45; // NRI 2: the rebuilt header must take NRI and F from the FU indicator
        for (byte[] fragment : fuA(idr, 3)) {
            push(fragment, 90, (fragment[1] & 0x40) != 0);
        }
        assertArrayEquals(avcc(idr), sink.only().data());
        assertTrue(sink.only().keyframe());
    }

    @Test
    void fuAMissingMiddleDropsThatNalUnitAndStoresTheDamagedAccessUnit() {
        startWithKeyframe(0);
        byte[] first = slice(false, true, 40, 5);
        byte[] second = slice(false, false, 900, 6);
        List<byte[]> fragments = fuA(second, 3);
        push(first, 3000, false);
        push(fragments.get(0), 3000, false);
        push(fragments.get(2), 3000, true, true); // the middle fragment was lost

        CollectedFrames.Frame frame = sink.last();
        assertEquals(2, sink.size());
        assertArrayEquals(avcc(first), frame.data());
        assertFalse(frame.keyframe());
        assertEquals(1, depacketizer.discarded(Discard.INCOMPLETE_NAL));
        assertEquals(1, depacketizer.damagedFrames());
    }

    @Test
    void aDamagedAccessUnitBeforeTheFirstKeyframeIsDropped() {
        byte[] idr = slice(true, true, 900, 7);
        List<byte[]> fragments = fuA(idr, 3);
        push(stapA(SPS_640X360, PPS), 0, false);
        push(fragments.get(0), 0, false);
        push(fragments.get(2), 0, true, true);

        assertEquals(0, sink.size());
        assertEquals(1, depacketizer.discarded(Discard.DAMAGED_FRAME));
        assertNotNull(depacketizer.format(), "the parameter sets of a dropped frame still count");

        byte[] nextIdr = slice(true, true, 80, 8);
        push(nextIdr, 3000, true);
        assertTrue(sink.only().keyframe());
    }

    @Test
    void fuAMissingEndThenANewAccessUnit() {
        startWithKeyframe(0);
        byte[] first = slice(false, true, 40, 9);
        byte[] cut = slice(false, false, 900, 10);
        push(first, 3000, false);
        push(fuA(cut, 3).get(0), 3000, false);
        push(fuA(cut, 3).get(1), 3000, false);
        // The end fragment and the marker packet are lost; the next access unit starts cleanly with its IDR.
        byte[] idr = slice(true, true, 70, 11);
        push(idr, 6000, true, true);

        assertEquals(3, sink.size());
        assertArrayEquals(avcc(first), sink.frames.get(1).data());
        assertFalse(sink.frames.get(1).keyframe());
        assertEquals(3000, sink.frames.get(1).timestamp());
        assertArrayEquals(avcc(idr), sink.last().data());
        assertTrue(sink.last().keyframe(), "the loss was before this access unit's first slice");
        assertEquals(1, depacketizer.discarded(Discard.INCOMPLETE_NAL));
    }

    @Test
    void aFuAWithoutItsStartIsCountedOnce() {
        startWithKeyframe(0);
        List<byte[]> fragments = fuA(slice(false, false, 900, 12), 3);
        byte[] first = slice(false, true, 30, 13);
        push(first, 3000, false);
        push(fragments.get(1), 3000, false, true);
        push(fragments.get(2), 3000, true);

        assertArrayEquals(avcc(first), sink.last().data());
        assertEquals(1, depacketizer.discarded(Discard.INCOMPLETE_NAL));
        assertEquals(1, depacketizer.damagedFrames());
    }

    @Test
    void aMarkerlessAccessUnitEndsWhenTheTimestampChanges() {
        byte[] a = slice(false, true, 30, 14);
        byte[] b = slice(false, true, 30, 15);
        push(a, 3000, false);
        push(b, 6000, true);

        assertEquals(2, sink.size());
        assertEquals(3000, sink.frames.get(0).timestamp());
        assertArrayEquals(avcc(a), sink.frames.get(0).data());
        assertEquals(6000, sink.frames.get(1).timestamp());
        assertEquals(0, depacketizer.damagedFrames());
    }

    @Test
    void aLossBeforeALaterSliceDamagesTheNewAccessUnit() {
        startWithKeyframe(0);
        byte[] secondSlice = slice(false, false, 30, 16);
        push(secondSlice, 3000, true, true); // its first slice was lost

        assertEquals(2, sink.size());
        assertFalse(sink.last().keyframe());
        assertEquals(1, depacketizer.damagedFrames());
    }

    @Test
    void aLossWhileAnAccessUnitIsOpenEndsItDamaged() {
        startWithKeyframe(0);
        byte[] a = slice(false, true, 30, 17);
        push(a, 3000, false);
        push(slice(false, true, 30, 18), 6000, true, true); // the marker packet of 3000 may be what was lost

        assertEquals(3, sink.size());
        assertArrayEquals(avcc(a), sink.frames.get(1).data());
        assertEquals(1, depacketizer.damagedFrames());
    }

    @Test
    void spropGivesTheFormatBeforeAnyPacket() {
        H264Depacketizer withSprop = new H264Depacketizer(SPROP_640X360);
        TrackFormat format = withSprop.format();
        assertNotNull(format);
        assertEquals(640, format.width());
        assertEquals(360, format.height());
        assertEquals(Codec.H264, format.codec());
        assertEquals(90000, format.clockRate());
    }

    @Test
    void inBandParameterSetsReplaceSprop() {
        H264Depacketizer withSprop = new H264Depacketizer(SPROP_640X360);
        byte[] idr = slice(true, true, 40, 19);
        withSprop.push(ByteBuffer.wrap(stapA(SPS_176X144, PPS)), 0, false, false, sink);
        withSprop.push(ByteBuffer.wrap(idr), 0, true, false, sink);

        assertEquals(176, withSprop.format().width());
        assertEquals(144, withSprop.format().height());
        assertArrayEquals(avcc(SPS_176X144, PPS, idr), sink.only().data());
    }

    @Test
    void brokenSpropIsCountedAndIgnored() {
        H264Depacketizer broken = new H264Depacketizer("!!!notbase64,Z0LA,aM4PyA==");
        assertNull(broken.format());
        assertEquals(2, broken.discarded(Discard.BAD_PARAMETER_SET));
    }

    @Test
    void reservedNalTypesAndInterleavedPacketizationsAreCountedAndIgnored() {
        for (int type : new int[] {0, 30, 31}) {
            push(new byte[] {(byte) type, 1, 2}, 0, false);
        }
        for (int type : new int[] {25, 26, 27, 29}) {
            push(new byte[] {(byte) (0x60 | type), 1, 2, 3, 4}, 0, false);
        }
        push(stapA(new byte[] {0x1e, 1}, slice(false, true, 10, 20)), 0, true);

        assertEquals(4, depacketizer.discarded(Discard.IGNORED_NAL));
        assertEquals(4, depacketizer.discarded(Discard.UNSUPPORTED_PACKETIZATION));
        assertEquals(1, sink.size(), "the slice inside the STAP-A is kept");
        assertEquals(0, depacketizer.malformed());
    }

    @Test
    void zeroLengthAndOneBytePayloads() {
        push(new byte[0], 0, false);
        push(new byte[] {0x78}, 0, false); // STAP-A with nothing in it
        push(new byte[] {0x7c}, 0, false); // FU-A without FU header
        push(new byte[] {0x09}, 0, true); // a 1-byte NAL unit (an empty AUD) is valid

        assertEquals(1, depacketizer.discarded(Discard.EMPTY_PAYLOAD));
        assertEquals(2, depacketizer.malformed());
        assertEquals("FU header needs 1 bytes, 0 left", depacketizer.lastProblem());
        assertEquals(0, sink.size(), "the access unit was damaged by the malformed payloads, before any keyframe");
    }

    @Test
    void anEmptyPayloadPassesItsLossOn() {
        startWithKeyframe(0);
        push(new byte[0], 3000, false, true);
        push(slice(false, false, 20, 21), 3000, true);
        assertEquals(1, depacketizer.damagedFrames());
    }

    @Test
    void aMalformedStapALeavesNothingOfItselfInTheFrame() {
        startWithKeyframe(0);
        byte[] a = slice(false, true, 20, 22);
        byte[] b = slice(false, false, 20, 23);
        byte[] badStap = stapA(slice(false, false, 10, 24), slice(false, false, 10, 25));
        badStap[1 + 2 + 10 + 1] = 50; // second NAL claims 50 bytes, 10 are there
        push(a, 3000, false);
        push(badStap, 3000, false);
        push(b, 3000, true);

        assertArrayEquals(avcc(a, b), sink.last().data());
        assertEquals(1, depacketizer.malformed());
        assertEquals("STAP-A NAL unit needs 50 bytes, 10 left", depacketizer.lastProblem());
        assertFalse(sink.last().keyframe());
        assertEquals(1, depacketizer.damagedFrames());
    }

    @Test
    void aFrameOverTheCapIsDroppedAndTheNextOneKept() {
        H264Depacketizer small = new H264Depacketizer(null, 1000);
        for (byte[] fragment : fuA(slice(true, true, 2000, 26), 4)) {
            small.push(ByteBuffer.wrap(fragment), 0, (fragment[1] & 0x40) != 0, false, sink);
        }
        byte[] next = slice(false, true, 500, 27);
        small.push(ByteBuffer.wrap(next), 3000, true, false, sink);

        assertEquals(1, small.discarded(Discard.OVERSIZE_FRAME));
        assertArrayEquals(avcc(next), sink.only().data());
    }

    @Test
    void flushEmitsTheOpenAccessUnitButNotAHalfNalUnit() {
        startWithKeyframe(0);
        byte[] a = slice(false, true, 20, 28);
        push(a, 3000, false);
        push(fuA(slice(false, false, 300, 29), 2).get(0), 3000, false);
        depacketizer.flush(sink);

        assertArrayEquals(avcc(a), sink.last().data());
        assertEquals(1, depacketizer.discarded(Discard.INCOMPLETE_NAL));
        depacketizer.flush(sink);
        assertEquals(2, sink.size(), "a second flush has nothing left");
    }

    @Test
    void garbageNeverThrowsAndWhatComesOutIsWellFormedAvcc() {
        Random random = new Random(42);
        H264Depacketizer d = new H264Depacketizer(null, 20_000);
        FrameSink check = (timestamp, keyframe, data) -> {
            int at = data.position();
            while (at < data.limit()) {
                int length = data.getInt(at);
                assertTrue(length > 0 && at + 4 + length <= data.limit(), "NAL length " + length);
                at += 4 + length;
            }
            assertEquals(data.limit(), at);
        };
        long timestamp = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            if (payload.length > 0 && random.nextInt(3) == 0) {
                payload[0] = (byte) ((payload[0] & 0xe0) | (random.nextBoolean() ? 24 : 28));
            }
            timestamp += random.nextInt(4) == 0 ? 3000 : 0;
            d.push(ByteBuffer.wrap(payload), timestamp, random.nextInt(5) == 0, random.nextInt(20) == 0, check);
        }
        d.flush(check);
        assertTrue(d.malformed() > 0);
        assertTrue(d.frames() > 0);
        assertEquals(0, d.discarded(Discard.PARSER_FAILURE));
    }
}
