package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import io.callrec.record.mkv.EbmlReader.Element;
import io.callrec.record.mkv.MatroskaWriter.Options;
import io.callrec.testing.MemoryChannel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatroskaWriterTest {
    private static final Instant DATE = Instant.parse("2024-05-06T07:08:09Z");
    private static final TrackFormat VIDEO = TrackFormat.video(Codec.VP8, 320, 240, null);
    private static final TrackFormat AUDIO = TrackFormat.audio(Codec.OPUS, 48000, 48000, 1, null);

    private final MemoryChannel channel = new MemoryChannel();

    /** A written block with its absolute time. */
    private record Written(int track, long timeMs, boolean keyframe, byte[] data, int relative) {
    }

    private static Options options() {
        return Options.defaults().withDateUtc(DATE);
    }

    private MatroskaWriter writer(Options options) throws IOException {
        return new MatroskaWriter(channel, options);
    }

    /** A frame whose bytes say which it is: track, then time in ms (4 bytes), padded to {@code size}. */
    private static ByteBuffer frame(int track, long timeMs, int size) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(5, size));
        b.put((byte) track).putInt((int) timeMs);
        return b.rewind();
    }

    private static void write(MatroskaWriter w, int track, long timeMs, boolean key) throws IOException {
        w.write(track, timeMs * 1000, key, frame(track, timeMs, 20));
    }

    /** Audio frames every 20 ms from {@code fromMs} (inclusive) to {@code toMs} (exclusive). */
    private static void writeAudio(MatroskaWriter w, int track, long fromMs, long toMs) throws IOException {
        for (long t = fromMs; t < toMs; t += 20) {
            write(w, track, t, true);
        }
    }

    /** A writer with default options and one audio track, number 1. */
    private MatroskaWriter audioOnly() throws IOException {
        MatroskaWriter w = writer(options());
        w.addTrack(AUDIO, "a");
        return w;
    }

    /** A writer with a 100 ms window, video (track 1) every 40 ms up to 2 s, keyframes at the given times. */
    private MatroskaWriter twoSecondsOfVideo(long... keyframes) throws IOException {
        MatroskaWriter w = writer(options().withInterleaveWindow(Duration.ofMillis(100)));
        w.addTrack(VIDEO, "v");
        w.addTrack(AUDIO, "a");
        for (long t = 0; t <= 2000; t += 40) {
            long time = t;
            write(w, 1, t, Arrays.stream(keyframes).anyMatch(k -> k == time));
        }
        return w;
    }

    private Element segment() {
        return EbmlReader.segment(channel.toByteArray());
    }

    private static List<Element> clusters(Element segment) {
        return segment.all(MatroskaIds.CLUSTER);
    }

    private static List<Written> blocks(Element segment) {
        List<Written> out = new ArrayList<>();
        for (Element cluster : clusters(segment)) {
            long base = cluster.uint(MatroskaIds.TIMESTAMP);
            for (Element e : cluster.all(MatroskaIds.SIMPLE_BLOCK)) {
                EbmlReader.Block b = EbmlReader.block(e);
                out.add(new Written(b.track(), base + b.relativeTimecode(), b.keyframe(), b.frame(),
                        b.relativeTimecode()));
            }
        }
        return out;
    }

    // ---- layout -------------------------------------------------------------------------------------------

    @Test
    void headerDeclaresMatroskaVersion4() throws IOException {
        writer(options()).close();
        Element ebml = EbmlReader.parse(channel.toByteArray()).get(0);
        assertEquals(MatroskaIds.EBML, ebml.id());
        assertEquals("matroska", ebml.string(MatroskaIds.DOC_TYPE));
        assertEquals(4, ebml.uint(MatroskaIds.DOC_TYPE_VERSION));
        assertEquals(2, ebml.uint(MatroskaIds.DOC_TYPE_READ_VERSION));
        assertEquals(1, ebml.uint(MatroskaIds.EBML_VERSION));
        assertEquals(1, ebml.uint(MatroskaIds.EBML_READ_VERSION));
        assertEquals(4, ebml.uint(MatroskaIds.EBML_MAX_ID_LENGTH));
        assertEquals(8, ebml.uint(MatroskaIds.EBML_MAX_SIZE_LENGTH));
    }

    @Test
    void durationEndsOneFrameAfterTheLastEvenAfterAGap() throws IOException {
        MatroskaWriter w = audioOnly();
        writeAudio(w, 1, 0, 1000);
        write(w, 1, 3000, true); // lost packets, or a muted sender, then one last frame
        w.close();
        assertEquals(3020.0, segment().child(MatroskaIds.INFO).child(MatroskaIds.DURATION).floatValue(),
                "the last frame lasts a frame step (20 ms), not the 2 s gap before it");
    }

    @Test
    void infoCarriesScaleAppsTitleDateAndDurationAtClose() throws IOException {
        MatroskaWriter w = writer(options().withTitle("call 42: alice"));
        int audio = w.addTrack(AUDIO, "alice");
        writeAudio(w, audio, 0, 1000);
        w.flush();
        Element live = segment().child(MatroskaIds.INFO);
        assertFalse(live.has(MatroskaIds.DURATION), "a file being written has no Duration");
        w.close();

        Element info = segment().child(MatroskaIds.INFO);
        assertEquals(1_000_000, info.uint(MatroskaIds.TIMESTAMP_SCALE));
        assertEquals(1000.0, info.child(MatroskaIds.DURATION).floatValue(), "last frame at 980 ms + its 20 ms");
        assertEquals("callrec", info.string(MatroskaIds.MUXING_APP));
        assertEquals("callrec", info.string(MatroskaIds.WRITING_APP));
        assertEquals("call 42: alice", info.string(MatroskaIds.TITLE));
        long nanos = Duration.between(Instant.parse("2001-01-01T00:00:00Z"), DATE).toNanos();
        assertEquals(nanos, info.uint(MatroskaIds.DATE_UTC));
        assertEquals(16, info.child(MatroskaIds.SEGMENT_UUID).data().length);
    }

    @Test
    void segmentSizeIsUnknownWhileWritingAndExactAfterClose() throws IOException {
        MatroskaWriter w = writer(options());
        write(w, w.addTrack(AUDIO, "a"), 0, true);
        w.flush();
        assertTrue(segment().unknownSize());
        w.close();
        Element segment = segment();
        assertFalse(segment.unknownSize());
        assertEquals(channel.toByteArray().length, segment.end());
        assertEquals(channel.toByteArray().length, w.bytesWritten());
    }

    @Test
    void seekHeadPointsAtInfoTracksAndCues() throws IOException {
        MatroskaWriter w = writer(options());
        int video = w.addTrack(VIDEO, "v");
        for (long t = 0; t < 3000; t += 100) {
            write(w, video, t, t % 1000 == 0);
        }
        w.close();
        Element segment = segment();
        assertEquals(MatroskaIds.SEEK_HEAD, segment.children().get(0).id(), "SeekHead first");
        List<Element> seeks = segment.child(MatroskaIds.SEEK_HEAD).all(MatroskaIds.SEEK);
        assertEquals(3, seeks.size());
        for (Element seek : seeks) {
            int id = (int) seek.child(MatroskaIds.SEEK_ID).uint();
            long position = seek.uint(MatroskaIds.SEEK_POSITION);
            Element target = segment.child(id);
            assertEquals(target.offset() - segment.dataOffset(), position, String.format("Seek to 0x%X", id));
        }
        List<Integer> ids = seeks.stream().map(s -> (int) s.child(MatroskaIds.SEEK_ID).uint()).toList();
        assertEquals(List.of(MatroskaIds.INFO, MatroskaIds.TRACKS, MatroskaIds.CUES), ids);
    }

    @Test
    void tracksAreFollowedByTheirReserveAndClustersStartAfterIt() throws IOException {
        MatroskaWriter w = writer(options());
        write(w, w.addTrack(AUDIO, "a"), 0, true);
        w.close();
        List<Element> children = segment().children();
        Element tracks = children.stream().filter(e -> e.id() == MatroskaIds.TRACKS).findFirst().orElseThrow();
        int index = children.indexOf(tracks);
        Element reserve = children.get(index + 1);
        assertEquals(MatroskaIds.VOID, reserve.id());
        assertEquals(MatroskaWriter.TRACKS_RESERVE, reserve.end() - tracks.offset());
        assertEquals(MatroskaIds.CLUSTER, children.get(index + 2).id());
    }

    // ---- tracks -------------------------------------------------------------------------------------------

    @Test
    void trackNumbersCountFromOneWithRandomNonZeroUids() throws IOException {
        MatroskaWriter w = writer(options());
        assertEquals(1, w.addTrack(VIDEO, "alice video"));
        assertEquals(2, w.addTrack(AUDIO, "alice audio"));
        w.close();
        List<Element> entries = segment().child(MatroskaIds.TRACKS).all(MatroskaIds.TRACK_ENTRY);
        assertEquals(List.of(1L, 2L), entries.stream().map(e -> e.uint(MatroskaIds.TRACK_NUMBER)).toList());
        assertEquals(List.of("alice video", "alice audio"),
                entries.stream().map(e -> e.string(MatroskaIds.NAME)).toList());
        long uid1 = entries.get(0).uint(MatroskaIds.TRACK_UID);
        long uid2 = entries.get(1).uint(MatroskaIds.TRACK_UID);
        assertTrue(uid1 != 0 && uid2 != 0 && uid1 != uid2);
    }

    @Test
    void aTrackAddedLateIsWrittenInPlaceBeforeItsFrames() throws IOException {
        MatroskaWriter w = audioOnly();
        int audio = 1;
        writeAudio(w, audio, 0, 1500);
        w.flush();
        byte[] before = channel.toByteArray();
        int video = w.addTrack(VIDEO, "late video");
        byte[] after = channel.toByteArray();
        assertEquals(before.length, after.length, "rewritten in place, nothing moved");
        int clustersStart = clusters(EbmlReader.segment(before)).get(0).offset();
        assertArrayEquals(Arrays.copyOfRange(before, clustersStart, before.length),
                Arrays.copyOfRange(after, clustersStart, after.length));
        assertEquals(2, EbmlReader.segment(after).child(MatroskaIds.TRACKS).all(MatroskaIds.TRACK_ENTRY).size());

        write(w, video, 1000, true);
        write(w, audio, 1500, true);
        w.close();
        assertTrue(blocks(segment()).stream().anyMatch(b -> b.track() == video && b.timeMs() == 1000));
    }

    @Test
    void theTracksReserveHoldsSixteenTracksWithOneKilobyteOfPrivateDataAndThenFailsClearly()
            throws IOException {
        MatroskaWriter w = writer(options());
        TrackFormat big = TrackFormat.video(Codec.H264, 1920, 1080, new byte[1024]);
        int added = 0;
        TracksReserveExhaustedException failure = null;
        while (failure == null && added < 100) {
            try {
                w.addTrack(big, "camera " + added);
                added++;
            } catch (TracksReserveExhaustedException e) {
                failure = e;
            }
        }
        assertTrue(added >= 16, added + " tracks fit");
        assertTrue(failure != null && failure.getMessage().contains(MatroskaWriter.TRACKS_RESERVE + " bytes"),
                String.valueOf(failure));
        // The failed track was not added; the file goes on.
        assertThrows(IllegalArgumentException.class, () -> w.write(17 + 100, 0, true, frame(1, 0, 5)));
        write(w, 1, 0, true);
        w.close();
        assertEquals(added, segment().child(MatroskaIds.TRACKS).all(MatroskaIds.TRACK_ENTRY).size());
    }

    @Test
    void anUnknownTrackIsRefused() throws IOException {
        MatroskaWriter w = writer(options());
        w.addTrack(AUDIO, "a");
        assertThrows(IllegalArgumentException.class, () -> write(w, 2, 0, true));
        assertThrows(IllegalArgumentException.class, () -> write(w, 0, 0, true));
    }

    // ---- interleaving and time ----------------------------------------------------------------------------

    @Test
    void framesArrivingOutOfOrderAcrossTracksAreWrittenInTimeOrder() throws IOException {
        MatroskaWriter w = writer(options());
        int video = w.addTrack(VIDEO, "v");
        int audio = w.addTrack(AUDIO, "a");
        // Audio arrives 300 ms behind video (within the 500 ms window); flush every 200 ms of arrival.
        List<long[]> arrivals = new ArrayList<>();
        for (long t = 0; t < 3000; t += 40) {
            arrivals.add(new long[] {t, video, t});
        }
        for (long t = 0; t < 3000; t += 20) {
            arrivals.add(new long[] {t + 300, audio, t});
        }
        arrivals.sort((a, b) -> Long.compare(a[0], b[0]));
        long nextFlush = 200;
        for (long[] a : arrivals) {
            if (a[0] >= nextFlush) {
                w.flush();
                nextFlush += 200;
            }
            write(w, (int) a[1], a[2], a[1] == audio || a[2] % 1000 == 0);
        }
        w.close();
        List<Written> blocks = blocks(segment());
        assertEquals(75 + 150, blocks.size());
        for (int i = 1; i < blocks.size(); i++) {
            assertTrue(blocks.get(i).timeMs() >= blocks.get(i - 1).timeMs(), "block " + i + " goes back in time");
        }
        for (Written b : blocks) {
            ByteBuffer data = ByteBuffer.wrap(b.data());
            assertEquals(b.track(), data.get(), "frame of its own track");
            assertEquals(b.timeMs(), data.getInt(), "frame at its own time");
        }
        assertEquals(0, w.clampedFrames());
    }

    @Test
    void aFrameLaterThanTheWindowGoesIntoTheCurrentClusterWithANegativeTimecode() throws IOException {
        MatroskaWriter w = twoSecondsOfVideo(0, 1600); // the keyframe at 1600 opens a cluster
        int audio = 2;
        write(w, audio, 1500, true); // 500 ms late, 400 ms past the window: video up to 1900 is already placed
        writeAudio(w, audio, 1520, 2001);
        w.close();
        List<Written> late = blocks(segment()).stream().filter(b -> b.track() == audio).toList();
        assertEquals(1500, late.get(0).timeMs());
        assertTrue(late.get(0).relative() < 0, "relative timecode " + late.get(0).relative());
        assertEquals(26, late.size());
    }

    @Test
    void aFrameArrivingAfterItsClusterWasFlushedStartsANewCluster() throws IOException {
        MatroskaWriter w = twoSecondsOfVideo(0);
        int video = 1;
        int audio = 2;
        w.flush();
        write(w, audio, 300, true);
        w.flush();
        write(w, video, 2040, false);
        w.close();
        List<Written> blocks = blocks(segment());
        assertTrue(blocks.stream().anyMatch(b -> b.track() == audio && b.timeMs() == 300));
        assertEquals(53, blocks.size());
    }

    @Test
    void timeGoingBackwardsOnATrackIsClampedAndCounted() throws IOException {
        MatroskaWriter w = audioOnly();
        int audio = 1;
        w.write(audio, -5000, true, frame(1, 0, 5));
        write(w, audio, 100, true);
        write(w, audio, 80, true);
        write(w, audio, 120, true);
        w.close();
        assertEquals(2, w.clampedFrames());
        // the clamped frame would share 100 ms with the one before it: players read that as an error, so 101
        assertEquals(List.of(0L, 100L, 101L, 120L), blocks(segment()).stream().map(Written::timeMs).toList());
    }

    @Test
    void microsecondsRoundToTheNearestMillisecond() throws IOException {
        MatroskaWriter w = writer(options());
        int video = w.addTrack(VIDEO, "v");
        for (int i = 0; i < 4; i++) {
            w.write(video, i * 1_000_000L / 15, i == 0, frame(video, 0, 5));
        }
        w.close();
        assertEquals(List.of(0L, 67L, 133L, 200L), blocks(segment()).stream().map(Written::timeMs).toList());
    }

    // ---- clusters -----------------------------------------------------------------------------------------

    @Test
    void withoutFlushesClustersEndAtTheMaximumDuration() throws IOException {
        MatroskaWriter w = audioOnly();
        int audio = 1;
        writeAudio(w, audio, 0, 12_000);
        w.close();
        assertEquals(List.of(0L, 5000L, 10_000L),
                clusters(segment()).stream().map(c -> c.uint(MatroskaIds.TIMESTAMP)).toList());
    }

    @Test
    void withoutFlushesAVideoKeyframeStartsAClusterOnceItIsASecondOld() throws IOException {
        MatroskaWriter w = writer(options());
        int video = w.addTrack(VIDEO, "v");
        int audio = w.addTrack(AUDIO, "a");
        for (long t = 0; t < 4000; t += 20) {
            if (t % 100 == 0) {
                write(w, video, t, t % 500 == 0); // keyframe every 500 ms
            }
            write(w, audio, t, true);
        }
        w.close();
        assertEquals(List.of(0L, 1000L, 2000L, 3000L),
                clusters(segment()).stream().map(c -> c.uint(MatroskaIds.TIMESTAMP)).toList());
        for (Element c : clusters(segment())) {
            Written first = blocks(c.children().isEmpty() ? c : wrap(c)).get(0);
            assertEquals(video, first.track(), "the keyframe opens its cluster");
            assertTrue(first.keyframe());
        }
    }

    @Test
    void aClusterEndsOnceItHoldsMaxClusterBytesAndTheNextFrameStartsOne() throws IOException {
        MatroskaWriter w = audioOnly();
        for (long t = 0; t < 4000; t += 20) {
            w.write(1, t * 1000, true, frame(1, t, 1000)); // 50 KB/s: over the bound within a second
        }
        w.close();
        List<Element> clusters = clusters(segment());
        assertTrue(clusters.size() >= 6, clusters.size() + " clusters for 200 KB");
        for (Element c : clusters) {
            assertTrue(c.size() <= MatroskaWriter.MAX_CLUSTER_BYTES + 1100, "cluster of " + c.size() + " bytes");
        }
        assertEquals(200, blocks(segment()).size(), "every frame written once");
    }

    @Test
    void clustersSplitForSizeAddAtMostACuePointASecond() throws IOException {
        MatroskaWriter w = audioOnly();
        for (long t = 0; t < 10_000; t += 20) {
            w.write(1, t * 1000, true, frame(1, t, 1000));
        }
        w.close();
        Element segment = segment();
        List<Long> cueTimes = segment.child(MatroskaIds.CUES).all(MatroskaIds.CUE_POINT).stream()
                .map(p -> p.uint(MatroskaIds.CUE_TIME)).toList();
        assertTrue(clusters(segment).size() >= 2 * cueTimes.size(), clusters(segment).size() + " clusters, "
                + cueTimes.size() + " cue points");
        for (int i = 1; i < cueTimes.size(); i++) {
            assertTrue(cueTimes.get(i) - cueTimes.get(i - 1) >= 1000, "cue points " + cueTimes);
        }
        assertEquals(0L, cueTimes.get(0));
    }

    /** A segment-like element holding one cluster, to reuse {@link #blocks}. */
    private static Element wrap(Element cluster) {
        return new Element(MatroskaIds.SEGMENT, 0, 0, 0, false, List.of(cluster), new byte[0]);
    }

    @Test
    void aGapLongerThanASixteenBitTimecodeStartsANewCluster() throws IOException {
        MatroskaWriter w = writer(options().withMaxClusterDuration(Duration.ofMillis(32_767)));
        int audio = w.addTrack(AUDIO, "a");
        write(w, audio, 0, true);
        write(w, audio, 20, true);
        write(w, audio, 40_000, true); // e.g. a party on hold for 40 s
        w.close();
        assertEquals(List.of(0L, 40_000L),
                clusters(segment()).stream().map(c -> c.uint(MatroskaIds.TIMESTAMP)).toList());
        assertEquals(List.of(0L, 20L, 40_000L), blocks(segment()).stream().map(Written::timeMs).toList());
    }

    @Test
    void flushWritesWholeClustersOfWhatIsOlderThanTheWindow() throws IOException {
        MatroskaWriter w = audioOnly();
        int audio = 1;
        w.addTrack(AUDIO, "b"); // a second track, silent so far: the first one's frames wait for the window
        writeAudio(w, audio, 0, 1001);
        w.flush();
        // Readable as it is: every cluster whole (the strict parser checks every size), segment open-ended.
        Element live = segment();
        assertTrue(live.unknownSize());
        List<Written> flushed = blocks(live);
        assertEquals(26, flushed.size(), "frames up to 1000 - 500 ms");
        assertEquals(500, flushed.get(flushed.size() - 1).timeMs());
        assertEquals(26, w.framesWritten());
        w.flush();
        assertEquals(26, blocks(segment()).size(), "nothing new is older than the window");
        w.close();
        assertEquals(51, blocks(segment()).size());
    }

    @Test
    void aFileOfOneTrackHasNothingToInterleaveAndFlushWritesEveryFrame() throws IOException {
        MatroskaWriter w = audioOnly();
        writeAudio(w, 1, 0, 1001);
        w.flush();
        List<Written> flushed = blocks(segment());
        assertEquals(51, flushed.size(), "no frame waits for a window");
        assertEquals(1000, flushed.get(flushed.size() - 1).timeMs());
        int video = w.addTrack(VIDEO, "v"); // from now on two tracks: frames wait for the window again
        for (long t = 1020; t <= 2000; t += 20) {
            write(w, 1, t, true);
            write(w, video, t, true);
        }
        w.flush();
        assertEquals(51 + 2 * 25, blocks(segment()).size(), "both tracks up to 2000 - 500 ms");
        w.close();
        List<Written> all = blocks(segment());
        assertEquals(51 + 2 * 50, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).timeMs() >= all.get(i - 1).timeMs(), "in time order at block " + i);
        }
    }

    @Test
    void eachClusterReachesTheChannelInOneWrite() throws IOException {
        MatroskaWriter w = audioOnly();
        int audio = 1;
        int writesAfterHeader = channel.writeCalls();
        for (long t = 0; t < 10_000; t += 20) {
            write(w, audio, t, true);
            if (t % 200 == 0) {
                w.flush();
            }
        }
        int clusterWrites = channel.writeCalls() - writesAfterHeader;
        assertEquals(w.clustersWritten(), clusterWrites);
        assertTrue(clusterWrites >= 45 && clusterWrites <= 51, clusterWrites + " cluster writes for 10 s");
        w.close();
        assertEquals(clusterWrites + 1 + 2, channel.writeCalls() - writesAfterHeader,
                "close: last cluster, Cues, then one header rewrite");
    }

    // ---- cues ---------------------------------------------------------------------------------------------

    @Test
    void cuesPointAtEveryVideoKeyframe() throws IOException {
        MatroskaWriter w = writer(options());
        int video = w.addTrack(VIDEO, "v");
        int audio = w.addTrack(AUDIO, "a");
        for (long t = 0; t < 5000; t += 20) {
            if (t % 100 == 0) {
                write(w, video, t, t % 700 == 0);
            }
            write(w, audio, t, true);
            if (t % 200 == 0) {
                w.flush();
            }
        }
        w.close();
        Element segment = segment();
        List<Element> points = segment.child(MatroskaIds.CUES).all(MatroskaIds.CUE_POINT);
        assertEquals(List.of(0L, 700L, 1400L, 2100L, 2800L, 3500L, 4200L, 4900L),
                points.stream().map(p -> p.uint(MatroskaIds.CUE_TIME)).toList());
        for (Element p : points) {
            Element positions = p.child(MatroskaIds.CUE_TRACK_POSITIONS);
            assertEquals(video, positions.uint(MatroskaIds.CUE_TRACK));
            int clusterOffset = (int) (segment.dataOffset() + positions.uint(MatroskaIds.CUE_CLUSTER_POSITION));
            Element cluster = segment.children().stream().filter(c -> c.offset() == clusterOffset).findFirst()
                    .orElseThrow(() -> new AssertionError("no element at cue cluster position " + clusterOffset));
            assertEquals(MatroskaIds.CLUSTER, cluster.id());
            int blockOffset = (int) (cluster.dataOffset() + positions.uint(MatroskaIds.CUE_RELATIVE_POSITION));
            Element block = cluster.children().stream().filter(b -> b.offset() == blockOffset).findFirst()
                    .orElseThrow(() -> new AssertionError("no block at cue relative position"));
            EbmlReader.Block b = EbmlReader.block(block);
            assertEquals(video, b.track());
            assertTrue(b.keyframe());
            assertEquals(p.uint(MatroskaIds.CUE_TIME), cluster.uint(MatroskaIds.TIMESTAMP) + b.relativeTimecode());
        }
    }

    @Test
    void audioOnlyCuesPointAtEveryCluster() throws IOException {
        MatroskaWriter w = audioOnly();
        int audio = 1;
        writeAudio(w, audio, 0, 12_000);
        w.close();
        Element segment = segment();
        List<Long> clusterOffsets = clusters(segment).stream().map(c -> (long) c.offset() - segment.dataOffset())
                .toList();
        List<Long> cueOffsets = segment.child(MatroskaIds.CUES).all(MatroskaIds.CUE_POINT).stream()
                .map(p -> p.child(MatroskaIds.CUE_TRACK_POSITIONS).uint(MatroskaIds.CUE_CLUSTER_POSITION)).toList();
        assertEquals(clusterOffsets, cueOffsets);
    }

    // ---- life cycle ---------------------------------------------------------------------------------------

    @Test
    void closeIsIdempotentAndClosesTheChannel() throws IOException {
        MatroskaWriter w = audioOnly();
        int audio = 1;
        write(w, audio, 0, true);
        w.close();
        byte[] closed = channel.toByteArray();
        w.close();
        assertArrayEquals(closed, channel.toByteArray());
        assertFalse(channel.isOpen());
        assertThrows(IllegalStateException.class, () -> write(w, audio, 20, true));
        assertThrows(IllegalStateException.class, w::flush);
        assertThrows(IllegalStateException.class, () -> w.addTrack(AUDIO, "b"));
    }

    @Test
    void anEmptyFileIsStillWellFormed() throws IOException {
        writer(options()).close();
        Element segment = segment();
        assertFalse(segment.has(MatroskaIds.CLUSTER));
        assertFalse(segment.has(MatroskaIds.CUES));
        assertEquals(0.0, segment.child(MatroskaIds.INFO).child(MatroskaIds.DURATION).floatValue());
    }

    @Test
    void optionsAreChecked() {
        Options d = Options.defaults();
        assertEquals(Duration.ofMillis(500), d.interleaveWindow());
        assertEquals(Duration.ofSeconds(5), d.maxClusterDuration());
        assertThrows(IllegalArgumentException.class, () -> d.withInterleaveWindow(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxClusterDuration(Duration.ofSeconds(33)));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxClusterDuration(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> d.withTitle(null));
    }

    @Test
    void steadyWritingAllocatesNothingPerFrame() throws IOException {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MatroskaWriter w = new MatroskaWriter(MemoryChannel.discarding(), options());
        int video = w.addTrack(VIDEO, "v");
        int audio = w.addTrack(AUDIO, "a");
        ByteBuffer videoFrame = ByteBuffer.allocate(3000);
        ByteBuffer audioFrame = ByteBuffer.allocate(80);
        long[] time = {0};
        Runnable tenSeconds = () -> {
            try {
                for (int i = 0; i < 500; i++, time[0] += 20_000) {
                    if (i % 2 == 0) {
                        w.write(video, time[0], i % 100 == 0, videoFrame.clear());
                    }
                    w.write(audio, time[0] + 7_000, true, audioFrame.clear());
                    if (i % 10 == 0) {
                        w.flush();
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
        for (int i = 0; i < 20; i++) {
            tenSeconds.run(); // warm up: buffers reach their size, the JIT compiles the frame path
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            tenSeconds.run();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 15 000 frames, ~1000 clusters and ~100 cue points: anything per frame would be hundreds of KB.
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for 15 000 frames");
        w.close();
    }

    @Test
    void aDiskFullWhileClosingLeavesTheFileCutBackToItsLastWholeCluster() throws IOException {
        MatroskaWriter w = writer(options());
        w.addTrack(AUDIO, "a");
        writeAudio(w, 1, 0, 6000);
        w.flush();
        long whole = w.bytesWritten();
        long framesOnDisk = w.framesWritten();
        writeAudio(w, 1, 6000, 9000);
        channel.room(whole + 100); // part of the next cluster fits, then the disk is full
        assertThrows(IOException.class, w::close);
        byte[] file = channel.toByteArray();
        assertEquals(whole, file.length, "cut back to the end of the last whole cluster");
        List<Written> blocks = blocks(EbmlReader.segment(file));
        assertEquals(framesOnDisk, blocks.size(), "every frame of the clusters written before the disk filled");
        assertEquals(0, blocks.get(0).timeMs());
        assertTrue(framesOnDisk >= 250, "5.5 s of 20 ms frames: " + framesOnDisk);
    }
}
