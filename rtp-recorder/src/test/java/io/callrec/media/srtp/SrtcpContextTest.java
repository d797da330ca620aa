package io.callrec.media.srtp;

import static io.callrec.media.srtp.SrtpContextTest.bytes;
import static io.callrec.media.srtp.SrtpContextTest.direct;
import static io.callrec.media.srtp.SrtpContextTest.withRoom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtcpContextTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 7714 §17: the RTCP packet its SRTCP examples use, sender SSRC 0x4d617273, SRTCP index 0x5d4. */
    private static final String RFC7714_RTCP = """
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef""";
    private static final int RFC7714_SSRC = 0x4d617273;
    private static final long RFC7714_INDEX = 0x5d4;
    private static final byte[] RFC7714_SALT = Hex.bytes("51756964 2070726f 2071756f");

    /** RFC 7714 §17.1.1 and §17.1.2: AEAD_AES_128_GCM SRTCP encryption and decryption. */
    @Test
    void rfc7714AesGcm128() {
        checkRfc7714(SrtpProfile.AEAD_AES_128_GCM, Hex.bytes("000102030405060708090a0b0c0d0e0f"), """
                81c8000d 4d617273 63e94885 dcdab67c
                a727d766 2f6b7e99 7ff5c0f7 6c06f32d
                c676a5f1 730d6fda 4ce09b46 86303ded
                0bb9275b c84aa458 96cf4d2f c5abf872
                45d9eade 800005d4""", """
                81c8000d 4d617273 4e545031 4e545032
                52545020 0000042a 0000e930 4c756e61
                deadbeef deadbeef deadbeef deadbeef
                deadbeef 841dd968 3dd78ec9 2ae58790
                125f62b3 000005d4""");
    }

    /** RFC 7714 §17.2.1 and §17.2.2: the same with AEAD_AES_256_GCM. */
    @Test
    void rfc7714AesGcm256() {
        checkRfc7714(SrtpProfile.AEAD_AES_256_GCM,
                Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), """
                81c8000d 4d617273 d50ae4d1 f5ce5d30
                4ba297e4 7d470c28 2c3ece5d bffe0a50
                a2eaa5c1 110555be 8415f658 c61de047
                6f1b6fad 1d1eb30c 4446839f 57ff6f6c
                b26ac3be 800005d4""", """
                81c8000d 4d617273 4e545031 4e545032
                52545020 0000042a 0000e930 4c756e61
                deadbeef deadbeef deadbeef deadbeef
                deadbeef 91db4afb feee5a97 8fab4393
                ed2615fe 000005d4""");
    }

    /**
     * Encrypts the example to the RFC's packet and decrypts it back; the RFC's tag-only packet (E flag clear, §17.x.3
     * and §17.x.4) is accepted by a receiver too.
     */
    private static void checkRfc7714(SrtpProfile profile, byte[] key, String encrypted, String tagOnly) {
        SessionKeys keys = new SessionKeys(key, new byte[0], RFC7714_SALT);
        ByteBuffer packet = withRoom(Hex.bytes(RFC7714_RTCP), 20);
        assertEquals(SrtpVerdict.OK, new SrtcpContext(profile, keys, RFC7714_SSRC, true, RFC7714_INDEX, 16).protect(packet));
        assertEquals(Hex.of(Hex.bytes(encrypted)), Hex.of(bytes(packet)));

        SrtcpContext receiver = new SrtcpContext(profile, keys, RFC7714_SSRC, false, 0, 16);
        ByteBuffer received = withRoom(Hex.bytes(encrypted), 0);
        assertEquals(SrtpVerdict.OK, receiver.unprotect(received));
        assertEquals(Hex.of(Hex.bytes(RFC7714_RTCP)), Hex.of(bytes(received)));

        ByteBuffer authenticatedOnly = withRoom(Hex.bytes(tagOnly), 0);
        SrtcpContext another = new SrtcpContext(profile, keys, RFC7714_SSRC, false, 0, 16);
        assertEquals(SrtpVerdict.OK, another.unprotect(authenticatedOnly));
        assertEquals(Hex.of(Hex.bytes(RFC7714_RTCP)), Hex.of(bytes(authenticatedOnly)));
        assertEquals(SrtpVerdict.REPLAYED, receiver.unprotect(withRoom(Hex.bytes(tagOnly), 0)),
                "same index as the encrypted one");
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripsWithTheirIndexWord(SrtpProfile profile) {
        Pair pair = pair(profile);
        for (int i = 0; i < 10; i++) {
            byte[] plain = senderReport(i);
            ByteBuffer packet = i % 3 == 0 ? direct(plain, profile.rtcpOverhead()) : withRoom(plain, 32);
            assertEquals(SrtpVerdict.OK, pair.sender.protect(packet));
            byte[] wire = bytes(packet);
            assertEquals(plain.length + 4 + profile.rtcpTagLength(), wire.length);
            int wordAt = profile.isAead() ? wire.length - 4 : plain.length;
            assertEquals(0x80000000 | i, ByteBuffer.wrap(wire).getInt(wordAt), "E flag and index " + i);
            assertArrayEquals(Arrays.copyOf(plain, 8), Arrays.copyOf(wire, 8), "header and SSRC in clear");
            assertTrue(!Arrays.equals(Arrays.copyOfRange(plain, 8, 28), Arrays.copyOfRange(wire, 8, 28)), "encrypted");

            assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(packet));
            assertArrayEquals(plain, bytes(packet));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedTamperedAndForeignPacketsAreRefused(SrtpProfile profile) {
        Pair pair = pair(profile);
        byte[] wire = bytes(protect(pair.sender, senderReport(1)));
        for (int at : new int[] {0, 3, 12, wire.length - 1, wire.length - 5}) {
            byte[] forged = wire.clone();
            forged[at] ^= 0x02;
            ByteBuffer packet = withRoom(forged, 0);
            assertEquals(SrtpVerdict.AUTH_FAILED, pair.receiver.unprotect(packet), "byte " + at);
            assertArrayEquals(forged, bytes(packet));
        }
        byte[] otherSsrc = wire.clone();
        otherSsrc[7] ^= 1;
        assertEquals(SrtpVerdict.WRONG_SSRC, pair.receiver.unprotect(withRoom(otherSsrc, 0)));
        assertEquals(SrtpVerdict.MALFORMED, pair.receiver.unprotect(withRoom(Arrays.copyOf(wire, 8 + 3), 0)));

        assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(withRoom(wire, 0)));
        assertEquals(SrtpVerdict.REPLAYED, pair.receiver.unprotect(withRoom(wire, 0)));
        for (int i = 2; i < 70; i++) {
            assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(protect(pair.sender, senderReport(i))));
        }
        assertEquals(SrtpVerdict.TOO_OLD, pair.receiver.unprotect(withRoom(wire, 0)));
    }

    /** Out of order SRTCP (index 1 before 0) is fine: the index travels in the packet. */
    @Test
    void reorderedPacketsAreAccepted() {
        Pair pair = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        ByteBuffer first = protect(pair.sender, senderReport(0));
        ByteBuffer second = protect(pair.sender, senderReport(1));
        assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(second));
        assertEquals(SrtpVerdict.OK, pair.receiver.unprotect(first));
        assertArrayEquals(senderReport(0), bytes(first));
    }

    /** A peer may send SRTCP unencrypted (E flag clear) but authenticated: accepted as it is. */
    @Test
    void anUnencryptedAuthenticatedAesCmPacket() throws Exception {
        SrtpKeyMaterial master = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM);
        byte[] plain = senderReport(3);
        ByteBuffer wire = ByteBuffer.allocate(plain.length + 14).put(plain).putInt(7);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SrtpKeyDerivation.srtcp(master).authKey(), "HmacSHA1"));
        mac.update(wire.array(), 0, plain.length + 4);
        wire.put(mac.doFinal(), 0, 10).flip();
        SrtcpContext receiver = SrtcpContext.receiver(master, ssrc());
        assertEquals(SrtpVerdict.OK, receiver.unprotect(wire));
        assertArrayEquals(plain, bytes(wire));
    }

    /**
     * AES_CM_128_HMAC_SHA1_32: libsrtp sends 80-bit SRTCP tags, ffmpeg and libre 32-bit ones. A receiver takes both
     * and says which it last saw; a sender writes 80 bits unless told 32.
     */
    @Test
    void shortSrtcpTagsOfTheThirtyTwoBitSuite() {
        SrtpKeyMaterial master = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM);
        SrtcpContext longTags = SrtcpContext.sender(master, ssrc());
        SrtcpContext shortTags = SrtcpContext.sender(master, ssrc(), 4);
        SrtcpContext receiver = SrtcpContext.receiver(master, ssrc());
        assertEquals(14, longTags.overhead());
        assertEquals(8, shortTags.overhead());
        assertEquals(10, receiver.tagLength());

        ByteBuffer shortOne = protect(shortTags, senderReport(5));
        assertEquals(senderReport(5).length + 8, shortOne.remaining());
        assertEquals(SrtpVerdict.OK, receiver.unprotect(shortOne));
        assertArrayEquals(senderReport(5), bytes(shortOne));
        assertEquals(4, receiver.tagLength());

        protect(longTags, senderReport(9)); // index 0 was the short one's: this sender moves on to 1
        ByteBuffer longOne = protect(longTags, senderReport(6));
        assertEquals(SrtpVerdict.OK, receiver.unprotect(longOne));
        assertArrayEquals(senderReport(6), bytes(longOne));
        assertEquals(10, receiver.tagLength());

        byte[] forged = bytes(protect(shortTags, senderReport(7)));
        forged[forged.length - 1] ^= 1;
        assertEquals(SrtpVerdict.AUTH_FAILED, receiver.unprotect(withRoom(forged, 0)));

        assertThrows(IllegalArgumentException.class, () -> SrtcpContext.sender(master, ssrc(), 7));
        SrtpKeyMaterial eighty = SrtpKeyMaterial.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80, RANDOM);
        assertThrows(IllegalArgumentException.class, () -> SrtcpContext.sender(eighty, ssrc(), 4));
        ByteBuffer shortForEighty = withRoom(senderReport(1), 20);
        // An 80-bit suite's receiver never guesses 32-bit tags.
        SrtcpContext eightyReceiver = SrtcpContext.receiver(eighty, ssrc());
        assertEquals(SrtpVerdict.OK, SrtcpContext.sender(eighty, ssrc()).protect(shortForEighty));
        shortForEighty.limit(shortForEighty.limit() - 6);
        assertEquals(SrtpVerdict.AUTH_FAILED, eightyReceiver.unprotect(shortForEighty));
    }

    /** The 31-bit SRTCP index must not wrap under one key: after 2^31 - 1 the sender stops, the receiver keeps up. */
    @Test
    void theIndexDoesNotWrap() {
        SessionKeys keys = SrtpKeyDerivation.srtcp(SrtpKeyMaterial.random(SrtpProfile.AEAD_AES_128_GCM, RANDOM));
        SrtcpContext sender = new SrtcpContext(SrtpProfile.AEAD_AES_128_GCM, keys, ssrc(), true, 0x7ffffffeL, 16);
        SrtcpContext receiver = new SrtcpContext(SrtpProfile.AEAD_AES_128_GCM, keys, ssrc(), false, 0, 16);
        for (long expected : new long[] {0x7ffffffeL, 0x7fffffffL}) {
            ByteBuffer packet = protect(sender, senderReport(1));
            assertEquals(0x80000000L | expected, packet.getInt(packet.limit() - 4) & 0xffffffffL);
            assertEquals(SrtpVerdict.OK, receiver.unprotect(packet));
        }
        ByteBuffer refused = withRoom(senderReport(2), 20);
        assertEquals(SrtpVerdict.KEY_EXHAUSTED, sender.protect(refused));
        assertArrayEquals(senderReport(2), bytes(refused));
        ByteBuffer fromTheStart = protect(new SrtcpContext(SrtpProfile.AEAD_AES_128_GCM, keys, ssrc(), true, 0, 16),
                senderReport(3));
        assertEquals(SrtpVerdict.TOO_OLD, receiver.unprotect(fromTheStart), "index 0 after 2^31 - 1");
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void allocationPerPacket(SrtpProfile profile) {
        Pair pair = pair(profile);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] plain = senderReport(0);
        ByteBuffer packet = ByteBuffer.allocate(plain.length + 20);
        long allocated = 0;
        int rounds = 10_000;
        for (int pass = 0; pass < 3; pass++) {
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < rounds; i++) {
                packet.clear();
                packet.put(plain).flip();
                if (pair.sender.protect(packet) != SrtpVerdict.OK || pair.receiver.unprotect(packet) != SrtpVerdict.OK) {
                    throw new AssertionError("packet " + i + " failed");
                }
            }
            allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        }
        double perPacket = (double) allocated / rounds;
        assertTrue(perPacket < (profile.isAead() ? 4000 : 96), perPacket + " bytes per SRTCP packet");
    }

    record Pair(SrtcpContext sender, SrtcpContext receiver) {
    }

    static Pair pair(SrtpProfile profile) {
        SrtpKeyMaterial master = SrtpKeyMaterial.random(profile, RANDOM);
        return new Pair(SrtcpContext.sender(master, ssrc()), SrtcpContext.receiver(master, ssrc()));
    }

    private static int ssrc() {
        return 0x12345678;
    }

    private static ByteBuffer protect(SrtcpContext sender, byte[] plain) {
        return SrtpContextTest.protect(sender, plain);
    }

    /** An RTCP SR without report blocks followed by an SDES CNAME, as ffmpeg sends them. */
    static byte[] senderReport(int n) {
        ByteBuffer b = ByteBuffer.allocate(28 + 16);
        b.putInt(0x80c80006).putInt(ssrc()).putLong(0xe1a2b3c4d5e6f708L + n).putInt(n * 160).putInt(n).putInt(n * 172);
        b.putInt(0x81ca0003).putInt(ssrc()).put(new byte[] {1, 3, 'a', 'b', 'c', 0, 0, 0});
        return b.array();
    }
}
