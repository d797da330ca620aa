package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpContextTest {
    static final int SSRC = 0x5501a0b2;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 7714 §16: the RTP packet all its examples use (12-byte header, "Gallia est omnis divisa in partes tres"). */
    private static final String RFC7714_RTP = """
            8040f17b 8041f8d3 5501a0b2 47616c6c
            69612065 7374206f 6d6e6973 20646976
            69736120 696e2070 61727465 73207472
            6573""";
    private static final byte[] RFC7714_SALT = Hex.bytes("51756964 2070726f 2071756f");
    private static final byte[] RFC7714_KEY_128 = Hex.bytes("00010203 04050607 08090a0b 0c0d0e0f");
    private static final byte[] RFC7714_KEY_256 = Hex.bytes("""
            00010203 04050607 08090a0b 0c0d0e0f
            10111213 14151617 18191a1b 1c1d1e1f""");

    /** RFC 7714 §16.1.1 and §16.1.2: AEAD_AES_128_GCM encryption and decryption of the example packet. */
    @Test
    void rfc7714AesGcm128() {
        checkRfc7714(SrtpProfile.AEAD_AES_128_GCM, RFC7714_KEY_128, """
                8040f17b 8041f8d3 5501a0b2 f24de3a3
                fb34de6c acba861c 9d7e4bca be633bd5
                0d294e6f 42a5f47a 51c7d19b 36de3adf
                8833899d 7f27beb1 6a9152cf 765ee439
                0cce""");
    }

    /** RFC 7714 §16.2.1 and §16.2.2: the same with AEAD_AES_256_GCM. */
    @Test
    void rfc7714AesGcm256() {
        checkRfc7714(SrtpProfile.AEAD_AES_256_GCM, RFC7714_KEY_256, """
                8040f17b 8041f8d3 5501a0b2 32b1de78
                a822fe12 ef9f78fa 332e33aa b1801238
                9a58e2f3 b50b2a02 76ffae0f 1ba63799
                b87b7aa3 db36dfff d6b0f9bb 7878d7a7
                6c13""");
    }

    private static void checkRfc7714(SrtpProfile profile, byte[] key, String encrypted) {
        SessionKeys keys = new SessionKeys(key, new byte[0], RFC7714_SALT);
        ByteBuffer packet = withRoom(Hex.bytes(RFC7714_RTP), 16);
        assertEquals(SrtpVerdict.OK, new SrtpContext(profile, keys, SSRC, true, 0).protect(packet));
        assertEquals(Hex.of(Hex.bytes(encrypted)), Hex.of(bytes(packet)));

        ByteBuffer received = withRoom(Hex.bytes(encrypted), 0);
        assertEquals(SrtpVerdict.OK, new SrtpContext(profile, keys, SSRC, false, 0).unprotect(received));
        assertEquals(Hex.of(Hex.bytes(RFC7714_RTP)), Hex.of(bytes(received)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripOfAudioAndVideoPacketsInHeapAndDirectBuffers(SrtpProfile profile) {
        Pair pair = pair(profile);
        for (int i = 0; i < 40; i++) {
            int size = i % 2 == 0 ? 160 : 1200;
            byte[] plain = rtp(1000 + i, size, i % 3 == 0, i % 4 == 0);
            ByteBuffer packet = i % 5 == 0 ? direct(plain, profile.rtpTagLength()) : withRoom(plain, 64);
            packet.position(0);
            assertEquals(SrtpVerdict.OK, pair.sender.protect(packet));
            assertEquals(plain.length + profile.rtpTagLength(), packet.remaining());
            assertTrue(!Arrays.equals(Arrays.copyOfRange(plain, plain.length - 20, plain.length),
                    Arrays.copyOfRange(bytes(packet), plain.length - 20, plain.length)), "payload encrypted");
            assertArrayEquals(Arrays.copyOf(plain, 12), Arrays.copyOf(bytes(packet), 12), "header in clear");

            assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(packet), "packet " + i);
            assertArrayEquals(plain, bytes(packet), "packet " + i);
        }
    }

    /** A packet in the middle of a larger buffer: only position..limit is touched. */
    @Test
    void aPacketAtAnOffsetInABuffer() {
        Pair pair = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        byte[] plain = rtp(7, 300, false, false);
        ByteBuffer buffer = ByteBuffer.allocate(1000);
        buffer.position(100).put(plain).flip().position(100);
        assertEquals(SrtpVerdict.OK, pair.sender.protect(buffer));
        assertEquals(100, buffer.position());
        assertEquals(100 + 312 + 10, buffer.limit());
        ByteBuffer slice = buffer.slice();
        assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(slice));
        assertArrayEquals(plain, bytes(slice));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void theRollOverCounterFollowsTheSequenceNumberAcrossTheWrap(SrtpProfile profile) {
        Pair pair = pair(profile);
        for (int i = 0; i < 20; i++) {
            int seq = (65530 + i) & 0xffff;
            byte[] plain = rtp(seq, 160, false, false);
            ByteBuffer packet = withRoom(plain, 16);
            assertEquals(SrtpVerdict.OK, pair.sender.protect(packet));
            assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(packet), "seq " + seq);
            assertArrayEquals(plain, bytes(packet));
            assertEquals(seq >= 65530 ? 0 : 1, pair.receiver.rolloverCounter(), "seq " + seq);
        }
        assertEquals(1, pair.sender.rolloverCounter());
    }

    /** Packets around the wrap arrive out of order: each is matched with its own roll-over counter. */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetsReorderedAroundTheWrap(SrtpProfile profile) {
        Pair pair = pair(profile);
        int[] sent = {65532, 65533, 65534, 65535, 0, 1, 2, 3};
        ByteBuffer[] wire = new ByteBuffer[65536];
        byte[][] plain = new byte[65536][];
        for (int seq : sent) {
            plain[seq] = rtp(seq, 160, false, false);
            wire[seq] = withRoom(plain[seq], 16);
            assertEquals(SrtpVerdict.OK, pair.sender.protect(wire[seq]));
        }
        for (int seq : new int[] {65532, 0, 65535, 1, 65533, 3, 65534, 2}) {
            assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(wire[seq]), "seq " + seq);
            assertArrayEquals(plain[seq], bytes(wire[seq]), "seq " + seq);
        }
        assertEquals(1, pair.receiver.rolloverCounter());
    }

    /** The relay may forward a late packet from before the wrap: the sender gives it the old roll-over counter. */
    @Test
    void aSenderGivenALatePacketFromBeforeTheWrap() {
        Pair pair = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_32);
        for (int seq : new int[] {65534, 0, 65535, 1}) {
            byte[] plain = rtp(seq, 160, false, false);
            ByteBuffer packet = withRoom(plain, 4);
            assertEquals(SrtpVerdict.OK, pair.sender.protect(packet));
            assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(packet), "seq " + seq);
            assertArrayEquals(plain, bytes(packet));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedAndTooOldPacketsAreRefused(SrtpProfile profile) {
        Pair pair = pair(profile);
        ByteBuffer first = protect(pair.sender, rtp(100, 160, false, false));
        byte[] copy = bytes(first);
        assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(first));
        ByteBuffer replay = withRoom(copy, 0);
        assertEquals(SrtpVerdict.REPLAYED, pair.receiver.unprotect(replay));
        assertArrayEquals(copy, bytes(replay), "left as it was");

        for (int seq = 101; seq <= 170; seq++) {
            assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(protect(pair.sender, rtp(seq, 160, false, false))));
        }
        // 100 is now 70 behind the highest: outside the window whether or not it was seen.
        assertEquals(SrtpVerdict.TOO_OLD, pair.receiver.unprotect(withRoom(copy, 0)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedPacketsAreRefusedAndLeaveTheWindowAlone(SrtpProfile profile) {
        Pair pair = pair(profile);
        byte[] wire = bytes(protect(pair.sender, rtp(500, 160, true, true)));
        for (int at : new int[] {wire.length - 1, wire.length - profile.rtpTagLength(), 40, 1, 5, 11}) {
            byte[] forged = wire.clone();
            forged[at] ^= 0x01;
            ByteBuffer packet = withRoom(forged, 0);
            SrtpVerdict verdict = pair.receiver.unprotect(packet);
            assertEquals(at == 11 ? SrtpVerdict.WRONG_SSRC : SrtpVerdict.AUTH_FAILED, verdict, "byte " + at);
            assertArrayEquals(forged, bytes(packet), "left as it was after a change at byte " + at);
        }
        assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(withRoom(wire, 0)), "the genuine one still goes through");
    }

    @Test
    void anotherKeyFailsAuthentication() {
        Pair ours = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        Pair theirs = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        assertEquals(SrtpVerdict.AUTH_FAILED, theirs.receiver.unprotect(protect(ours.sender, rtp(1, 160, false, false))));
    }

    @Test
    void malformedAndForeignPackets() {
        Pair pair = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        assertEquals(SrtpVerdict.MALFORMED, pair.receiver.unprotect(withRoom(new byte[21], 0)), "version 0");
        byte[] shortOne = rtp(1, 0, false, false);
        assertEquals(SrtpVerdict.MALFORMED, pair.receiver.unprotect(withRoom(Arrays.copyOf(shortOne, 21), 0)),
                "shorter than header and tag");
        byte[] badExtension = rtp(1, 40, false, true);
        badExtension[14] = 0x7f; // extension length far beyond the packet
        assertEquals(SrtpVerdict.MALFORMED, pair.sender.protect(withRoom(badExtension, 10)));
        byte[] foreign = rtp(1, 40, false, false);
        foreign[8] ^= 0x10;
        assertEquals(SrtpVerdict.WRONG_SSRC, pair.sender.protect(withRoom(foreign, 10)));
    }

    /** Protecting an index twice would reuse keystream: a duplicate from the plain leg is refused. */
    @Test
    void aSenderNeverProtectsAnIndexTwice() {
        Pair pair = pair(SrtpProfile.AEAD_AES_128_GCM);
        assertEquals(SrtpVerdict.OK, pair.sender.protect(withRoom(rtp(9, 160, false, false), 16)));
        ByteBuffer duplicate = withRoom(rtp(9, 160, false, false), 16);
        assertEquals(SrtpVerdict.REPLAYED, pair.sender.protect(duplicate));
        assertArrayEquals(rtp(9, 160, false, false), bytes(duplicate));
    }

    /** After index 2^48 - 1 the roll-over counter would wrap: the key is exhausted. */
    @Test
    void theKeyIsExhaustedWhenTheRollOverCounterWouldWrap() {
        SessionKeys keys = SrtpKeyDerivation.srtp(SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80, RANDOM));
        SrtpContext sender = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, keys, SSRC, true, 0xffffffffL);
        SrtpContext receiver = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, keys, SSRC, false, 0xffffffffL);
        ByteBuffer last = protect(sender, rtp(65535, 160, false, false));
        assertEquals(SrtpVerdict.OK, receiver.unprotect(last));
        assertEquals(SrtpVerdict.KEY_EXHAUSTED, sender.protect(withRoom(rtp(0, 160, false, false), 10)));
    }

    @Test
    void callersMistakesThrow() {
        Pair pair = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        IllegalArgumentException noRoom = assertThrows(IllegalArgumentException.class,
                () -> pair.sender.protect(withRoom(rtp(1, 160, false, false), 9)));
        assertTrue(noRoom.getMessage().contains("needs 10 bytes"), noRoom.getMessage());
        assertThrows(IllegalStateException.class, () -> pair.receiver.protect(withRoom(rtp(1, 160, false, false), 10)));
        assertThrows(IllegalStateException.class, () -> pair.sender.unprotect(withRoom(rtp(1, 160, false, false), 10)));
    }

    /**
     * Steady state allocation per packet (protect and unprotect): with AES-CM only the JDK Mac's result array (about
     * 40 bytes per tag); with AES-GCM the JDK's own per-packet state, which grows with the packet.
     */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void allocationPerPacket(SrtpProfile profile) {
        double perPacket = allocatedPerPacket(profile, 1200, false);
        double perDirectPacket = allocatedPerPacket(profile, 1200, true);
        System.out.printf("%s: %.0f bytes allocated per 1200-byte packet protected and unprotected "
                + "(%.0f from a direct buffer)%n", profile, perPacket, perDirectPacket);
        double limit = profile.isAead() ? 4 * 1200 : 2 * 48;
        assertTrue(perPacket < limit, perPacket + " bytes per packet");
        assertTrue(perDirectPacket < limit, perDirectPacket + " bytes per packet from a direct buffer");
    }

    static double allocatedPerPacket(SrtpProfile profile, int size, boolean directBuffer) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Pair pair = pair(profile);
        byte[] plain = rtp(0, size, false, false);
        ByteBuffer packet = directBuffer ? ByteBuffer.allocateDirect(plain.length + 16)
                : ByteBuffer.allocate(plain.length + 16);
        int rounds = 20_000;
        long allocated = 0;
        for (int pass = 0; pass < 3; pass++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < rounds; i++) {
                int seq = pass * rounds + i;
                plain[2] = (byte) (seq >>> 8);
                plain[3] = (byte) seq;
                packet.clear();
                packet.put(plain).flip();
                if (pair.sender.protect(packet) != SrtpVerdict.OK || pair.receiver.unprotect(packet) != SrtpVerdict.OK) {
                    throw new AssertionError("packet " + seq + " failed");
                }
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
        }
        return (double) allocated / rounds;
    }

    // ---- helpers shared with SrtcpContextTest and the benchmark

    record Pair(SrtpContext sender, SrtpContext receiver) {
    }

    static Pair pair(SrtpProfile profile) {
        SrtpKeyMaterial master = SrtpKeyMaterial.random(profile, RANDOM);
        return new Pair(SrtpContext.sender(master, SSRC), SrtpContext.receiver(master, SSRC));
    }

    /** An RTP packet of {@code payload} bytes, optionally with two CSRCs and a one-word header extension. */
    static byte[] rtp(int seq, int payload, boolean csrcs, boolean extension) {
        int header = 12 + (csrcs ? 8 : 0) + (extension ? 8 : 0);
        ByteBuffer b = ByteBuffer.allocate(header + payload);
        b.put((byte) (0x80 | (extension ? 0x10 : 0) | (csrcs ? 2 : 0))).put((byte) 96).putShort((short) seq)
                .putInt(seq * 160).putInt(SSRC);
        if (csrcs) {
            b.putInt(0x11111111).putInt(0x22222222);
        }
        if (extension) {
            b.putShort((short) 0xbede).putShort((short) 1).putInt(0x10ff0000);
        }
        Random content = new Random(seq);
        for (int i = 0; i < payload; i++) {
            b.put((byte) content.nextInt());
        }
        return b.array();
    }

    static ByteBuffer withRoom(byte[] packet, int room) {
        ByteBuffer b = ByteBuffer.allocate(packet.length + room);
        b.put(packet).flip();
        return b;
    }

    static ByteBuffer direct(byte[] packet, int room) {
        ByteBuffer b = ByteBuffer.allocateDirect(packet.length + room);
        b.put(packet).flip();
        return b;
    }

    static ByteBuffer protect(CryptoContext sender, byte[] plain) {
        ByteBuffer packet = withRoom(plain, sender.overhead());
        assertEquals(SrtpVerdict.OK, sender.protect(packet));
        return packet;
    }

    /** The packet's bytes, position..limit, without moving it. */
    static byte[] bytes(ByteBuffer packet) {
        byte[] out = new byte[packet.remaining()];
        packet.get(packet.position(), out);
        return out;
    }
}
