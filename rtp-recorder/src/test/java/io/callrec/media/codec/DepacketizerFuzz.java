package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * RTP payloads of every recorded codec, as a hostile or broken sender may send them, through
 * {@link Depacketizers#create} and the {@link Depacketizer} API: nothing may be thrown, and every frame handed to
 * the sink must be well-formed for its codec (H.264 AVCC with whole NAL units, VP8 with a readable keyframe header,
 * audio as the payload, unchanged), bounded in size, at a pushed timestamp that never goes back.
 *
 * <p>Input: byte 0 picks the codec (low 3 bits) and whether its SDP clock rate is the right one (bit 3); for H.264
 * a record with the a=fmtp text follows; then records of {@code flags, length (2 bytes), payload}, where flags bit
 * 0 is the marker, bit 1 a loss before the packet, bits 2-3 the timestamp step (0, 1, 3000, or 4 more bytes).
 */
class DepacketizerFuzz {
    private static final String[] NAMES = {"H264", "VP8", "opus", "PCMU", "G722", "PCMA"};
    private static final int[] CLOCKS = {90000, 90000, 48000, 8000, 8000, 8000};
    private static final int MAX_PACKETS = 256;

    @FuzzTest(maxDuration = "40s", maxExecutions = 150000)
    void framesAreWellFormedWhateverThePayloads(byte[] input) {
        Records in = new Records(input);
        int head = in.u8();
        int codecIndex = (head & 0x07) % NAMES.length;
        boolean rightClock = (head & 0x08) == 0;
        String name = NAMES[codecIndex];
        int clock = rightClock ? CLOCKS[codecIndex] : 16000;
        String fmtp = codecIndex == 0 ? new String(in.record(), StandardCharsets.ISO_8859_1) : "";
        Map<String, String> parameters = Depacketizers.fmtpParameters(fmtp);
        Optional<Depacketizer> created = Depacketizers.create(name, clock, 1, parameters);
        if (created.isEmpty()) {
            String mode = Depacketizers.parameter(parameters, "packetization-mode");
            assertTrue(!rightClock || (codecIndex == 0 && mode != null && !mode.equals("0") && !mode.equals("1")),
                    "refused " + name + "/" + clock + " " + fmtp);
            return;
        }
        Depacketizer depacketizer = created.get();
        PayloadParser parser = (PayloadParser) depacketizer;
        CheckingSink sink = new CheckingSink(Codec.fromEncodingName(name).orElseThrow(), parser.maxFrameBytes());

        long timestamp = 1L << 32; // extended timestamps start above the 32-bit range, as after a wrap
        int packets = 0;
        while (in.hasRemaining() && packets < MAX_PACKETS) {
            int flags = in.u8();
            timestamp += switch ((flags >>> 2) & 3) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> 3000;
                default -> in.u32();
            };
            byte[] payload = in.record();
            sink.expect(timestamp, payload);
            depacketizer.push(ByteBuffer.wrap(payload), timestamp, (flags & 1) != 0, (flags & 2) != 0, sink);
            packets++;
        }
        sink.expect(timestamp, null);
        depacketizer.flush(sink);

        assertEquals(parser.frames(), sink.frames, "frames counted vs handed over");
        assertTrue(sink.frames <= packets, sink.frames + " frames from " + packets + " payloads");
        assertTrue(depacketizer.malformed() >= 0 && depacketizer.malformed() <= packets);
        checkFormat(depacketizer.format(), sink.codec);
    }

    private static void checkFormat(TrackFormat format, Codec codec) {
        if (format == null) {
            assertTrue(codec.kind() == Codec.Kind.VIDEO, "audio always knows its format");
            return;
        }
        if (codec.kind() == Codec.Kind.VIDEO) {
            assertEquals(codec, format.codec());
            assertTrue(format.width() >= 1 && format.width() <= H264Sps.MAX_SIDE, format.toString());
            assertTrue(format.height() >= 1 && format.height() <= H264Sps.MAX_SIDE, format.toString());
            if (codec == Codec.H264) {
                byte[] avcC = format.codecPrivate();
                assertEquals(1, avcC[0], "avcC version");
                assertEquals(0xe1, avcC[5] & 0xff, "one SPS");
                int spsLength = (avcC[6] & 0xff) << 8 | avcC[7] & 0xff;
                assertEquals(7, avcC[8] & 0x1f, "the SPS is an SPS");
                assertEquals(1, avcC[8 + spsLength], "one PPS");
                int ppsLength = (avcC[9 + spsLength] & 0xff) << 8 | avcC[10 + spsLength] & 0xff;
                assertEquals(8, avcC[11 + spsLength] & 0x1f, "the PPS is a PPS");
                int tail = avcC.length - (11 + spsLength + ppsLength);
                assertTrue(tail == 0 || tail == 4, "avcC tail of " + tail + " bytes");
            }
        }
    }

    /** Checks every frame as it arrives: what a container writer would otherwise store. */
    private static final class CheckingSink implements FrameSink {
        final Codec codec;
        final int maxFrameBytes;
        long frames;
        private long lastFrameTimestamp = Long.MIN_VALUE;
        private long pushedTimestamp;
        private byte[] pushedPayload;

        CheckingSink(Codec codec, int maxFrameBytes) {
            this.codec = codec;
            this.maxFrameBytes = maxFrameBytes;
        }

        /** The payload being pushed (null while flushing). */
        void expect(long timestamp, byte[] payload) {
            pushedTimestamp = timestamp;
            pushedPayload = payload;
        }

        @Override
        public void frame(long timestamp, boolean keyframe, ByteBuffer data) {
            frames++;
            assertTrue(timestamp >= lastFrameTimestamp, "frame at " + timestamp + " after " + lastFrameTimestamp);
            assertTrue(timestamp <= pushedTimestamp, "frame at " + timestamp + " from the future " + pushedTimestamp);
            lastFrameTimestamp = timestamp;
            int size = data.remaining();
            assertTrue(size > 0 && size <= maxFrameBytes, "frame of " + size + " bytes");
            byte[] frame = new byte[size];
            data.get(data.position(), frame);
            switch (codec) {
                case H264 -> checkAvcc(frame, keyframe);
                case VP8 -> checkVp8(frame, keyframe);
                default -> {
                    assertTrue(keyframe);
                    assertEquals(timestamp, pushedTimestamp);
                    assertArrayEquals(pushedPayload, frame, "audio is stored as it came");
                }
            }
        }

        /** Whole NAL units of storable types, each behind its 4-byte length; a keyframe holds an IDR slice. */
        private static void checkAvcc(byte[] frame, boolean keyframe) {
            ByteBuffer b = ByteBuffer.wrap(frame);
            boolean idr = false;
            while (b.hasRemaining()) {
                if (b.remaining() < 5) {
                    fail("AVCC ends in a cut length prefix or an empty NAL unit: " + b.remaining() + " bytes left");
                }
                int length = b.getInt();
                if (length < 1 || length > b.remaining()) {
                    fail("NAL unit of " + length + " bytes with " + b.remaining() + " left");
                }
                int type = b.get(b.position()) & 0x1f;
                assertTrue(type >= 1 && type <= 23, "NAL unit type " + type + " stored");
                idr |= type == 5;
                b.position(b.position() + length);
            }
            assertTrue(!keyframe || idr, "keyframe without IDR slice");
        }

        private static void checkVp8(byte[] frame, boolean keyframe) {
            boolean intra = (frame[0] & 0x01) == 0;
            assertEquals(intra, keyframe, "keyframe flag vs P bit");
            if (keyframe) {
                assertTrue(frame.length >= 10 && (frame[3] & 0xff) == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a,
                        "keyframe without start code");
                assertFalse(((frame[6] & 0xff | frame[7] << 8) & 0x3fff) == 0, "keyframe of width 0");
            }
        }
    }

    /** Reads the fuzz input front to back; past its end every read gives zeros. */
    private static final class Records {
        private final byte[] bytes;
        private int at;

        Records(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasRemaining() {
            return at < bytes.length;
        }

        int u8() {
            return at < bytes.length ? bytes[at++] & 0xff : 0;
        }

        long u32() {
            return (long) u8() << 24 | u8() << 16 | u8() << 8 | u8();
        }

        /** A 2-byte length, then that many bytes (fewer at the end of the input). */
        byte[] record() {
            int length = Math.min(u8() << 8 | u8(), bytes.length - at);
            byte[] out = new byte[length];
            System.arraycopy(bytes, at, out, 0, length);
            at += length;
            return out;
        }
    }
}
