package io.callrec.rendition;

import io.callrec.testing.ExternalCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Mp4AvcCodecTest {
    @TempDir
    Path dir;

    private static byte[] box(String type, byte[]... children) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (byte[] c : children) {
            payload.writeBytes(c);
        }
        ByteBuffer b = ByteBuffer.allocate(8 + payload.size());
        b.putInt(8 + payload.size()).put(type.getBytes(StandardCharsets.ISO_8859_1)).put(payload.toByteArray());
        return b.array();
    }

    private static byte[] avcSampleDescription(int profile, int compat, int level) {
        byte[] avcC = box("avcC", new byte[] {1, (byte) profile, (byte) compat, (byte) level, (byte) 0xff, (byte) 0xe1});
        byte[] avc1 = box("avc1", new byte[78], avcC);
        return box("stsd", new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, avc1);
    }

    private static byte[] audioTrak() {
        return box("trak", box("mdia", box("minf", box("stbl", box("stsd", new byte[8], box("mp4a", new byte[28]))))));
    }

    private Path write(byte[]... boxes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : boxes) {
            out.writeBytes(b);
        }
        return Files.write(dir.resolve("f.mp4"), out.toByteArray());
    }

    @Test
    void readsProfileConstraintsAndLevelFromTheAvcConfiguration() throws Exception {
        byte[] video = box("trak", box("mdia", box("hdlr", new byte[12]), box("minf", box("stbl",
                avcSampleDescription(0x42, 0xC0, 0x1F)))));
        Path f = write(box("ftyp", "isom".getBytes(StandardCharsets.ISO_8859_1)), box("free"),
                box("moov", box("mvhd", new byte[100]), audioTrak(), video), box("mdat", new byte[1000]));
        assertEquals(Optional.of("avc1.42C01F"), Mp4AvcCodec.of(f));
    }

    @Test
    void aFileWithoutH264OrWithoutMoovHasNone() throws Exception {
        assertEquals(Optional.empty(), Mp4AvcCodec.of(write(box("ftyp"), box("moov", audioTrak()))));
        assertEquals(Optional.empty(), Mp4AvcCodec.of(write(box("ftyp"), box("mdat", new byte[64]))));
        assertEquals(Optional.empty(), Mp4AvcCodec.of(write(new byte[0])));
    }

    @Test
    void damagedBoxesEndTheSearchInsteadOfReadingBeyondThem() throws Exception {
        byte[] moov = box("moov", box("trak", box("mdia", new byte[4])));
        ByteBuffer.wrap(moov).putInt(8, 4000); // trak claims more than moov holds
        assertEquals(Optional.empty(), Mp4AvcCodec.of(write(box("ftyp"), moov)));
        byte[] tiny = box("ftyp");
        ByteBuffer.wrap(tiny).putInt(0, 3);
        assertThrows(IOException.class, () -> Mp4AvcCodec.of(write(tiny)));
    }

    @Test
    void anMp4MadeByFfmpegNamesTheProfileItWasMadeWith() throws Exception {
        Path f = dir.resolve("x264.mp4");
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                "testsrc=size=160x120:rate=10:duration=1", "-c:v", "libx264", "-profile:v", "main", "-level", "3.1",
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", f.toString()).requireSuccess();
        assertEquals(Optional.of("avc1.4D401F"), Mp4AvcCodec.of(f));
    }
}
