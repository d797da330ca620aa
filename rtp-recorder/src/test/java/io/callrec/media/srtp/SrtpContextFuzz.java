package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * What a stranger can send to an SRTP leg: packets of our sender, then made-up datagrams and our packets with bytes
 * changed, cut or repeated. Without the key nothing but packets the key's owner would make may authenticate, each
 * index once; a refused packet leaves the buffer as it was; what authenticates is exactly what was protected.
 */
class SrtpContextFuzz {
    private static final int SSRC = 0x1234abcd;

    @FuzzTest(maxDuration = "30s", maxExecutions = 60000)
    void onlyPacketsOurKeyMakesAuthenticateEachIndexOnce(FuzzedDataProvider data) {
        SrtpProfile profile = data.pickValue(SrtpProfile.values());
        byte[] keyThenSalt = new byte[profile.keyLength() + profile.saltLength()];
        Arrays.fill(keyThenSalt, (byte) 0x5a); // fixed: the fuzzer must not learn the key from its own input
        SrtpKeyMaterial key = SrtpKeyMaterial.of(profile, keyThenSalt);
        SrtpContext sender = SrtpContext.sender(key, SSRC);
        SrtpContext receiver = SrtpContext.receiver(key, SSRC);
        int packets = data.consumeInt(1, 6);
        int sequence = data.consumeInt(0, 0xffff);
        byte[][] plain = new byte[packets][];
        byte[][] protectedPackets = new byte[packets][];
        for (int i = 0; i < packets; i++) {
            byte[] payload = data.consumeBytes(data.consumeInt(0, 300));
            plain[i] = rtp((sequence + i) & 0xffff, payload, data.consumeBoolean());
            ByteBuffer b = ByteBuffer.allocate(plain[i].length + sender.overhead());
            b.put(plain[i]).flip();
            assertEquals(SrtpVerdict.OK, sender.protect(b));
            protectedPackets[i] = Arrays.copyOfRange(b.array(), 0, b.limit());
        }
        Set<Long> accepted = new HashSet<>();
        for (int round = 0; round < 8 && data.remainingBytes() > 0; round++) {
            byte[] attempt = switch (data.consumeInt(0, 3)) {
                case 0 -> data.consumeBytes(data.consumeInt(0, 400));
                case 1 -> flipped(protectedPackets[data.consumeInt(0, packets - 1)], data);
                case 2 -> cut(protectedPackets[data.consumeInt(0, packets - 1)], data);
                default -> protectedPackets[data.consumeInt(0, packets - 1)].clone();
            };
            ByteBuffer b = ByteBuffer.wrap(attempt.clone());
            SrtpVerdict verdict = receiver.unprotect(b);
            if (verdict != SrtpVerdict.OK) {
                assertArrayEquals(attempt, b.array(), "a refused packet is left as it was");
                assertEquals(0, b.position());
                assertEquals(attempt.length, b.limit());
                continue;
            }
            byte[] opened = Arrays.copyOfRange(b.array(), 0, b.limit());
            int which = indexOf(protectedPackets, attempt);
            if (which >= 0) {
                assertArrayEquals(plain[which], opened);
            }
            // The fuzzer cannot know the key, but it sees every comparison the code makes and so can grow, byte by
            // byte, a packet our sender would also have made (at an index it did not use, with a payload of its
            // own). That is no forgery: the oracle is whether the key's owner makes exactly these bytes.
            long index = senderIndex(key, attempt, opened);
            assertNotEquals(-1, index, "only a packet our key protects authenticates");
            assertTrue(accepted.add(index), "an index authenticates once: " + HexFormat.of().formatHex(attempt));
        }
    }

    private static byte[] rtp(int sequence, byte[] payload, boolean marker) {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | 96);
        p[2] = (byte) (sequence >> 8);
        p[3] = (byte) sequence;
        p[7] = (byte) 160;
        p[8] = (byte) (SSRC >>> 24);
        p[9] = (byte) (SSRC >>> 16);
        p[10] = (byte) (SSRC >>> 8);
        p[11] = (byte) SSRC;
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    private static byte[] flipped(byte[] packet, FuzzedDataProvider data) {
        byte[] p = packet.clone();
        if (p.length > 0) {
            int at = data.consumeInt(0, p.length - 1);
            p[at] ^= (byte) data.consumeInt(1, 255);
        }
        return p;
    }

    private static byte[] cut(byte[] packet, FuzzedDataProvider data) {
        return packet.length == 0 ? packet : Arrays.copyOf(packet, data.consumeInt(0, packet.length - 1));
    }

    /**
     * The index at which a sender keyed like ours protects {@code opened} into exactly {@code attempt}, or -1. The
     * test's sequence numbers wrap at most once, and each packet the fuzzer grows can move the receiver's guess of
     * the roll-over counter by at most one more.
     */
    private static long senderIndex(SrtpKeyMaterial key, byte[] attempt, byte[] opened) {
        if (opened.length < 12 || ByteBuffer.wrap(opened, 8, 4).getInt() != SSRC) {
            return -1;
        }
        SessionKeys keys = SrtpKeyDerivation.srtp(key);
        for (long roc = 0; roc < 10; roc++) {
            SrtpContext sender = new SrtpContext(key.profile(), keys, SSRC, true, roc);
            ByteBuffer b = ByteBuffer.allocate(opened.length + sender.overhead());
            b.put(opened).flip();
            if (sender.protect(b) == SrtpVerdict.OK && Arrays.equals(attempt, Arrays.copyOfRange(b.array(), 0, b.limit()))) {
                return roc << 16 | ((opened[2] & 0xff) << 8 | (opened[3] & 0xff));
            }
        }
        return -1;
    }

    private static int indexOf(byte[][] packets, byte[] packet) {
        for (int i = 0; i < packets.length; i++) {
            if (Arrays.equals(packets[i], packet)) {
                return i;
            }
        }
        return -1;
    }
}
