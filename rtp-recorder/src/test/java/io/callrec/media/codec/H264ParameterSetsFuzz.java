package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An SPS comes from the SDP ({@code sprop-parameter-sets}, base64) or from the stream. Whatever its bytes,
 * {@link H264Sps#parse} either refuses it with {@link MalformedPayloadException} or describes a possible picture,
 * and the avcC that {@link H264ParameterSets} builds from it is exactly the record ISO/IEC 14496-15 lays out, the
 * same whether the SPS came in-band or through sprop.
 */
class H264ParameterSetsFuzz {
    private static final byte[] PPS = H264ParameterSetsTest.PPS;

    @FuzzTest(maxDuration = "20s", maxExecutions = 20000)
    void anSpsGivesAPossiblePictureAndAnExactAvcC(byte[] nal) throws MalformedPayloadException {
        // Arbitrary text as sprop-parameter-sets: refused entries are counted, never thrown.
        H264Depacketizer fromText = new H264Depacketizer(new String(nal, StandardCharsets.ISO_8859_1));
        assertTrue(fromText.discarded(Discard.BAD_PARAMETER_SET) <= nal.length + 1L);
        if (nal.length == 0) {
            return;
        }
        boolean isSps = (nal[0] & 0x1f) == H264ParameterSets.NAL_SPS;
        H264Sps sps = parseOrNull(nal);
        if (sps != null) {
            assertTrue(isSps);
            assertTrue(sps.width() >= 1 && sps.width() <= H264Sps.MAX_SIDE, sps.toString());
            assertTrue(sps.height() >= 1 && sps.height() <= H264Sps.MAX_SIDE, sps.toString());
            assertTrue(sps.chromaFormatIdc() >= 0 && sps.chromaFormatIdc() <= 3, sps.toString());
            assertTrue(sps.bitDepthLuma() >= 8 && sps.bitDepthChroma() >= 8, sps.toString());
            // The NAL unit inside a larger array reads the same: offsets are honoured.
            byte[] framed = CollectedFrames.concat(new byte[] {0x67, 0x42}, nal, new byte[] {0x7f});
            assertEquals(sps, H264Sps.parse(framed, 2, nal.length));
        }

        H264ParameterSets sets = new H264ParameterSets();
        boolean taken = true;
        try {
            sets.offer(nal, 0, nal.length);
        } catch (MalformedPayloadException e) {
            taken = false;
        }
        assertEquals(!isSps || sps != null, taken, "offer refuses exactly the SPS that do not parse");
        sets.offer(PPS, 0, PPS.length);
        TrackFormat format = sets.format();
        if (sps == null) {
            assertNull(format);
        } else {
            assertNotNull(format);
            assertEquals(sps.width(), format.width());
            assertEquals(sps.height(), format.height());
            assertArrayEquals(expectedAvcC(nal, sps), format.codecPrivate());
        }

        // The same SPS through sprop-parameter-sets gives the same format.
        String sprop = Base64.getEncoder().encodeToString(nal) + "," + Base64.getEncoder().encodeToString(PPS);
        H264Depacketizer fromSdp = new H264Depacketizer(sprop);
        if (isSps) {
            assertEquals(format, fromSdp.format());
            assertEquals(sps == null ? 1 : 0, fromSdp.discarded(Discard.BAD_PARAMETER_SET));
        }
    }

    private static H264Sps parseOrNull(byte[] nal) {
        try {
            return H264Sps.parse(nal, 0, nal.length);
        } catch (MalformedPayloadException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            return null;
        }
    }

    /** AVCDecoderConfigurationRecord, written out independently of {@link H264ParameterSets}. */
    private static byte[] expectedAvcC(byte[] sps, H264Sps parsed) {
        boolean highTail = parsed.profileIdc() != 66 && parsed.profileIdc() != 77 && parsed.profileIdc() != 88;
        ByteBuffer b = ByteBuffer.allocate(11 + sps.length + PPS.length + (highTail ? 4 : 0));
        b.put((byte) 1).put(sps[1]).put(sps[2]).put(sps[3]).put((byte) 0xff).put((byte) 0xe1);
        b.putShort((short) sps.length).put(sps).put((byte) 1).putShort((short) PPS.length).put(PPS);
        if (highTail) {
            b.put((byte) (0xfc | parsed.chromaFormatIdc()));
            b.put((byte) (0xf8 | (parsed.bitDepthLuma() - 8) & 7));
            b.put((byte) (0xf8 | (parsed.bitDepthChroma() - 8) & 7));
            b.put((byte) 0);
        }
        return b.array();
    }
}
