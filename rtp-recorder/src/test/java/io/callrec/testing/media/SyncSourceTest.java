package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncSourceTest {
    private static final Path DIR = Path.of("target", "sync-source");

    private static byte[] render(List<String> input, String... output) throws IOException {
        Files.createDirectories(DIR);
        Path file = Files.createTempFile(DIR, "raw-", ".bin");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-y"));
        command.addAll(input);
        command.addAll(List.of(output));
        command.add(file.toString());
        ExternalCommand.run(Duration.ofSeconds(30), command).requireSuccess();
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    @Test
    void beepsStartAndStopOnTheExactSample() throws IOException {
        SyncSource source = SyncSource.standard(30, 8000);
        ByteBuffer pcm = ByteBuffer.wrap(render(source.audioInput(), "-f", "s16le"))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4 * 8000 * 2, pcm.capacity());
        List<Integer> edges = new ArrayList<>();
        boolean loud = false;
        for (int i = 0; i < pcm.capacity() / 2; i++) {
            boolean now = Math.abs(pcm.getShort(2 * i)) > 1000;
            // A 1 kHz tone at 8 kHz passes near zero every few samples: a run of 4 quiet samples ends a beep.
            if (now != loud && (now || quietFor(pcm, i, 4))) {
                edges.add(i);
                loud = now;
            }
        }
        assertEquals(List.of(8000, 8800, 24000, 24800), edges);
        assertEquals(16384, pcm.getShort(2 * 8000), 2, "the beep starts on a cosine peak at half scale");
    }

    private static boolean quietFor(ByteBuffer pcm, int from, int samples) {
        for (int i = from; i < from + samples && 2 * i < pcm.capacity(); i++) {
            if (Math.abs(pcm.getShort(2 * i)) > 1000) {
                return false;
            }
        }
        return true;
    }

    @Test
    void audioComesInPacketSizedBlocks() {
        String frames = ExternalCommand.run(Duration.ofSeconds(30), "ffprobe", "-v", "error", "-f", "lavfi",
                "-i", SyncSource.standard(15, 48000).audioGraph(), "-show_entries", "frame=nb_samples",
                "-of", "csv=p=0").requireSuccess().stdout();
        List<String> sizes = frames.lines().distinct().toList();
        assertEquals(List.of("960"), sizes);
    }

    @Test
    void theFlashIsExactlyTheEventFrames() throws IOException {
        SyncSource source = SyncSource.standard(15, 8000).withEventMillis(List.of(1000)).withDurationMillis(2000);
        int frameSize = source.width() * source.height();
        byte[] luma = render(source.videoInput(), "-pix_fmt", "gray", "-f", "rawvideo");
        assertEquals(30, luma.length / frameSize);
        for (int frame = 0; frame < 30; frame++) {
            double average = 0;
            for (int i = frame * frameSize; i < (frame + 1) * frameSize; i++) {
                average += luma[i] & 0xff;
            }
            average /= frameSize;
            if (frame == 15) {
                assertTrue(average > 230, "flash frame luma " + average);
            } else {
                assertTrue(average < 80, "frame " + frame + " luma " + average);
            }
        }
    }

    @Test
    void eventsMustBeFrameAndBlockBoundaries() {
        assertThrows(IllegalArgumentException.class, () -> SyncSource.standard(15, 8000)
                .withEventMillis(List.of(1010)), "1.01 s is not a 15 fps frame");
        assertThrows(IllegalArgumentException.class, () -> SyncSource.standard(24, 8000)
                .withEventMillis(List.of(1125)), "1.125 s is a 24 fps frame but not a 20 ms block");
        assertThrows(IllegalArgumentException.class, () -> SyncSource.standard(30, 8000)
                .withEventMillis(List.of(3960)), "the beep would run past the end");
        assertThrows(IllegalArgumentException.class, () -> new SyncSource(30, 11025, 320, 240, 4000,
                List.of(1000), 100, 20), "20 ms is not whole samples at 11025 Hz");
        assertEquals(List.of(1.0, 3.0), SyncSource.standard(30, 48000).eventSeconds());
        assertEquals(960, SyncSource.standard(30, 48000).samplesPerBlock());
    }
}
