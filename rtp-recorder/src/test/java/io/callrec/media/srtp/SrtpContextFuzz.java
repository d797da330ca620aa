package io.callrec.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What a stranger can send to an SRTP leg: packets of our sender, then made-up datagrams and our packets with bytes
 * changed, cut or repeated. Without the key nothing but our own packets may authenticate, each once; a refused
 * packet leaves the buffer as it was; what authenticates is exactly what was protected.
 */
class SrtpContextFuzz {
    private static final int SSRC = 0x1234abcd;

    @FuzzTest(maxDuration = "30s", maxExecutions = 60000)
    void onlyOurOwnPacketsAuthenticateAndEachOnce(FuzzedDataProvider data) {
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
            int which = indexOf(protectedPackets, attempt);
            assertNotEquals(-1, which, "only a packet our sender protected authenticates");
            assertArrayEquals(plain[which], Arrays.copyOfRange(b.array(), 0, b.limit()));
            protectedPackets[which] = new byte[0]; // a second copy must now be refused as replayed
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

    private static int indexOf(byte[][] packets, byte[] packet) {
        for (int i = 0; i < packets.length; i++) {
            if (Arrays.equals(packets[i], packet)) {
                return i;
            }
        }
        return -1;
    }
}
