package io.callrec.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RTCP from either party is walked by {@link RtcpPackets}: it must never throw, must visit nothing of a malformed
 * compound, and must read a compound the same wherever it lies in whichever kind of buffer. Compounds made by the
 * {@code write*} methods must walk back to what was written.
 */
class RtcpPacketsFuzz {

    @FuzzTest(maxDuration = "20s", maxExecutions = 200000)
    void walkVisitsAWellFormedCompoundOnlyAndTheSameAtAnyOffset(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            writtenCompoundsWalkBack(data);
            return;
        }
        byte[] packet = data.consumeRemainingAsBytes();
        RecordingRtcpVisitor visitor = new RecordingRtcpVisitor();
        ByteBuffer plain = ByteBuffer.wrap(packet);
        int count = RtcpPackets.walk(plain, visitor);
        assertEquals(0, plain.position());
        assertEquals(packet.length, plain.limit());
        assertEquals(count != RtcpPackets.MALFORMED, RtcpPackets.isValid(plain));
        if (count == RtcpPackets.MALFORMED) {
            assertEquals(List.of(), visitor.calls, "a malformed compound was visited");
        } else {
            // Each packet is at least a 4-byte header.
            assertTrue(count >= 1 && count <= packet.length / 4, count + " packets in " + packet.length + " bytes");
        }

        // Behind a prefix, in a direct buffer with bytes after the limit: offsets must be relative to position()
        // and no read may pass the limit.
        ByteBuffer shifted = ByteBuffer.allocateDirect(packet.length + 9);
        shifted.put(new byte[] {(byte) 0x80, (byte) 200, 0, 0, 1}).put(packet).put(new byte[] {(byte) 0x81, 1, 2, 3});
        shifted.position(5).limit(5 + packet.length);
        RecordingRtcpVisitor again = new RecordingRtcpVisitor();
        assertEquals(count, RtcpPackets.walk(shifted, again));
        assertEquals(visitor.calls, again.calls);
        assertEquals(5, shifted.position());
        assertEquals(5 + packet.length, shifted.limit());
    }

    private static void writtenCompoundsWalkBack(FuzzedDataProvider data) {
        int ssrc = data.consumeInt();
        int media = data.consumeInt();
        byte[] cname = data.consumeBytes(data.consumeInt(1, 255));
        if (cname.length == 0) {
            cname = new byte[] {'x'};
        }
        ByteBuffer out = ByteBuffer.allocate(1024);
        int packets = 2;
        if (data.consumeBoolean()) {
            RtcpPackets.writeSenderReport(out, ssrc, data.consumeLong(), data.consumeLong(0, 0xffffffffL),
                    data.consumeLong(0, 0xffffffffL), data.consumeLong(0, 0xffffffffL), cname);
        } else {
            RtcpPackets.writeReceiverReport(out, ssrc, cname);
        }
        if (data.consumeBoolean()) {
            RtcpPackets.writePli(out, ssrc, media);
            packets++;
        }
        if (data.consumeBoolean()) {
            RtcpPackets.writeFir(out, ssrc, media, data.consumeInt());
            packets++;
        }
        if (data.consumeBoolean()) {
            RtcpPackets.writeBye(out, ssrc);
            packets++;
        }
        out.flip();
        RecordingRtcpVisitor visitor = new RecordingRtcpVisitor();
        assertEquals(packets, RtcpPackets.walk(out, visitor));
        // The CNAME comes back byte for byte (the visitor decodes it as UTF-8, so compare the same way).
        String expected = String.format("CNAME %08x %s", ssrc, new String(cname, StandardCharsets.UTF_8));
        assertTrue(visitor.calls.contains(expected), visitor.calls + " lacks " + expected);
    }
}
