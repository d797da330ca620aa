package io.callrec.media.codec;

import static io.callrec.media.codec.CollectedFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class G711DepacketizerTest {

    @Test
    void knownCodeWords() {
        assertEquals(8, G711Depacketizer.alawToLinear(0xd5), "A-law smallest positive");
        assertEquals(-8, G711Depacketizer.alawToLinear(0x55), "A-law smallest negative");
        assertEquals(32256, G711Depacketizer.alawToLinear(0xaa), "A-law largest positive");
        assertEquals(-32256, G711Depacketizer.alawToLinear(0x2a), "A-law largest negative");
        assertEquals(0, G711Depacketizer.ulawToLinear(0xff), "µ-law zero");
        assertEquals(0, G711Depacketizer.ulawToLinear(0x7f), "µ-law negative zero");
        assertEquals(32124, G711Depacketizer.ulawToLinear(0x80), "µ-law largest positive");
        assertEquals(-32124, G711Depacketizer.ulawToLinear(0x00), "µ-law largest negative");
    }

    @Test
    void decodesEachPayloadToLittleEndianPcm() {
        G711Depacketizer pcmu = new G711Depacketizer(Codec.PCMU, 1);
        CollectedFrames sink = new CollectedFrames();
        pcmu.push(bytes(0x80, 0x00, 0xff), 160, false, false, sink);

        assertArrayEquals(new byte[] {(byte) 0x7c, 0x7d, (byte) 0x84, (byte) 0x82, 0, 0}, sink.only().data());
        assertEquals(160, sink.only().timestamp());
        assertEquals(TrackFormat.audio(Codec.PCM_S16LE, 8000, 8000, 1, null), pcmu.format());
    }

    @Test
    void onlyG711() {
        assertThrows(IllegalArgumentException.class, () -> new G711Depacketizer(Codec.G722, 1));
        assertThrows(IllegalArgumentException.class, () -> new G711Depacketizer(Codec.PCMA, 0));
    }

    /** All 256 code words decode exactly as ffmpeg's pcm_alaw / pcm_mulaw decoders do. */
    @ParameterizedTest
    @CsvSource({"PCMA, alaw", "PCMU, mulaw"})
    void everyCodeWordMatchesFfmpeg(Codec codec, String format) throws Exception {
        Path dir = TestFfmpeg.workDir("g711");
        Path codes = dir.resolve("codes." + format);
        Path pcm = dir.resolve("codes-" + format + ".s16le");
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Files.write(codes, all);
        TestFfmpeg.ffmpeg("-f", format, "-ar", "8000", "-ac", "1", "-i", codes.toString(), "-f", "s16le",
                pcm.toString());
        CollectedFrames sink = new CollectedFrames();

        new G711Depacketizer(codec, 1).push(ByteBuffer.wrap(all), 0, false, false, sink);

        byte[] expected = Files.readAllBytes(pcm);
        ByteBuffer ours = ByteBuffer.wrap(sink.only().data()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer theirs = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(512, expected.length);
        for (int code = 0; code < 256; code++) {
            assertEquals(theirs.getShort(2 * code), ours.getShort(2 * code), "code 0x" + Integer.toHexString(code));
        }
    }
}
