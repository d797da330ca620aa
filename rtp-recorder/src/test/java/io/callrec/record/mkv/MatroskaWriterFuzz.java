package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import io.callrec.record.mkv.EbmlReader.Element;
import io.callrec.record.mkv.MatroskaWriter.Options;
import io.callrec.testing.MemoryChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorder hands {@link MatroskaWriter} whatever the streams give: tracks added late, odd codec private data,
 * times that jump, go back, overtake each other or lie beyond a 16-bit block timecode, empty and large frames. The
 * only exception the writer may throw is {@link TracksReserveExhaustedException} from {@code addTrack}, and the
 * closed file must parse strictly and hold every frame, per track in order, at its (clamped, rounded) time.
 */
class MatroskaWriterFuzz {
    private static final Instant DATE = Instant.parse("2025-01-02T03:04:05Z");
    private static final int MAX_OPERATIONS = 400;

    /** A frame as the file must hold it. */
    private record Expected(long timeMs, boolean keyframe, byte[] data) {
    }

    private static final class TrackLog {
        final boolean video;
        final List<Expected> frames = new ArrayList<>();
        long lastMicros;
        long lastMs;

        TrackLog(boolean video) {
            this.video = video;
        }
    }

    @FuzzTest(maxDuration = "30s", maxExecutions = 50000)
    void everyFrameIsInTheFileInOrderAtItsTime(FuzzedDataProvider data) throws IOException {
        Options options = new Options(data.consumeString(40), "callrec",
                Duration.ofMillis(data.consumeInt(0, 2000)), Duration.ofMillis(data.consumeInt(1, 32767)), DATE);
        MemoryChannel channel = new MemoryChannel();
        MatroskaWriter writer = new MatroskaWriter(channel, options);
        List<TrackLog> tracks = new ArrayList<>();
        addTrack(writer, tracks, data);
        long time = data.consumeLong(-1_000_000, 1L << 40);
        for (int i = 0; i < MAX_OPERATIONS && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 15)) {
                case 0 -> writer.flush();
                case 1 -> addTrack(writer, tracks, data);
                case 2 -> time = data.consumeLong(-(1L << 40), 1L << 40);
                default -> {
                    if (tracks.isEmpty()) {
                        continue;
                    }
                    int number = data.consumeInt(1, tracks.size());
                    time += data.consumeLong(-60_000_000, 60_000_000);
                    boolean keyframe = data.consumeBoolean();
                    byte[] frame = data.consumeBytes(data.consumeInt(0, 3000));
                    writer.write(number, time, keyframe, ByteBuffer.wrap(frame));
                    TrackLog t = tracks.get(number - 1);
                    t.lastMicros = Math.max(t.lastMicros, time); // earlier times are clamped up, negative to 0
                    long ms = (t.lastMicros + 500) / 1000;
                    if (!t.frames.isEmpty() && ms <= t.lastMs) {
                        ms = t.lastMs + 1; // never two blocks of a track at one millisecond
                    }
                    t.lastMs = ms;
                    t.frames.add(new Expected(ms, keyframe || !t.video, frame));
                }
            }
        }
        writer.close();
        writer.close();

        byte[] file = channel.toByteArray();
        Element segment = EbmlReader.segment(file);
        assertFalse(segment.unknownSize(), "the Segment size is patched at close");
        assertEquals(file.length, writer.bytesWritten());
        assertEquals(tracks.size(), segment.child(MatroskaIds.TRACKS).all(MatroskaIds.TRACK_ENTRY).size());
        List<List<EbmlReader.Block>> stored = new ArrayList<>();
        List<List<Long>> storedTimes = new ArrayList<>();
        for (int i = 0; i < tracks.size(); i++) {
            stored.add(new ArrayList<>());
            storedTimes.add(new ArrayList<>());
        }
        for (Element cluster : segment.all(MatroskaIds.CLUSTER)) {
            long base = cluster.uint(MatroskaIds.TIMESTAMP);
            for (Element e : cluster.all(MatroskaIds.SIMPLE_BLOCK)) {
                EbmlReader.Block b = EbmlReader.block(e);
                assertTrue(b.track() >= 1 && b.track() <= tracks.size(), "block for track " + b.track());
                stored.get(b.track() - 1).add(b);
                storedTimes.get(b.track() - 1).add(base + b.relativeTimecode());
            }
        }
        long total = 0;
        for (int i = 0; i < tracks.size(); i++) {
            List<Expected> expected = tracks.get(i).frames;
            assertEquals(expected.size(), stored.get(i).size(), "frames of track " + (i + 1));
            for (int k = 0; k < expected.size(); k++) {
                Expected x = expected.get(k);
                EbmlReader.Block b = stored.get(i).get(k);
                assertEquals(x.timeMs(), storedTimes.get(i).get(k), "time of frame " + k + " of track " + (i + 1));
                assertEquals(x.keyframe(), b.keyframe(), "keyframe flag of frame " + k + " of track " + (i + 1));
                assertArrayEquals(x.data(), b.frame(), "data of frame " + k + " of track " + (i + 1));
            }
            total += expected.size();
        }
        assertEquals(total, writer.framesWritten());
    }

    private static void addTrack(MatroskaWriter writer, List<TrackLog> tracks, FuzzedDataProvider data)
            throws IOException {
        TrackFormat format = switch (data.consumeInt(0, 5)) {
            case 0 -> TrackFormat.video(Codec.VP8, data.consumeInt(0, 20000), data.consumeInt(0, 20000), null);
            case 1 -> TrackFormat.video(Codec.H264, data.consumeInt(0, 20000), data.consumeInt(0, 20000),
                    data.consumeBytes(data.consumeInt(0, 2000)));
            case 2 -> TrackFormat.audio(Codec.OPUS, 48000, data.consumeInt(0, 96000), data.consumeInt(1, 2),
                    data.consumeBytes(data.consumeInt(0, 40)));
            case 3 -> TrackFormat.audio(Codec.PCM_S16LE, 8000, 8000, data.consumeInt(1, 8), null);
            case 4 -> TrackFormat.audio(Codec.G722, 8000, 16000, 1, null);
            default -> TrackFormat.audio(Codec.PCMU, 8000, 8000, 1, null);
        };
        try {
            writer.addTrack(format, data.consumeString(30));
            tracks.add(new TrackLog(format.codec().kind() == Codec.Kind.VIDEO));
        } catch (TracksReserveExhaustedException e) {
            assertTrue(tracks.size() >= 1, "even the first track did not fit: " + e.getMessage());
        }
    }
}
