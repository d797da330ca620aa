package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import io.callrec.media.relay.Side;
import io.callrec.testing.ExternalCommand;
import io.callrec.testing.media.Ffprobe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline on its own, fed synthetic G.711 packets with known impairments; files checked with ffprobe. */
class RecordingPipelineTest {
    static final long T0 = 1_700_000_000_000_000L;
    static byte[] alaw;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeMedia(@TempDir Path tmp) throws IOException {
        if (alaw != null) {
            return;
        }
        Path raw = tmp.resolve("tone.alaw");
        ExternalCommand.run(Duration.ofSeconds(30), "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "sine=f=440:sample_rate=8000", "-t", "4", "-f", "alaw", raw.toString()).requireSuccess();
        alaw = Files.readAllBytes(raw);
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MediaFormats audioFormats() {
        Map<Integer, PayloadFormat> pts = Map.of(
                8, new PayloadFormat(8, "PCMA", 8000, 1, Map.of()),
                101, new PayloadFormat(101, "telephone-event", 8000, 1, Map.of()));
        return new MediaFormats(Map.of(0, new MediaFormats.StreamFormats(0, "audio", pts, pts, false, false)));
    }

    static RecordingSpec spec(RecordingMode mode) {
        return new RecordingSpec("rec-1", mode, Side.A, "sip:alice@example.com", "sip:bob@example.com", "ca", "cb",
                false, List.of());
    }

    /** An RTP packet of 20 ms PCMA. */
    static ByteBuffer pcma(int seq, long ts, int ssrc, int index) {
        ByteBuffer b = ByteBuffer.allocate(12 + 160);
        b.put((byte) 0x80).put((byte) 8).putShort((short) seq).putInt((int) ts).putInt(ssrc);
        b.put(alaw, (index * 160) % (alaw.length - 160), 160);
        return b.flip();
    }

    static ByteBuffer dtmf(int seq, long ts, int ssrc, boolean end) {
        ByteBuffer b = ByteBuffer.allocate(12 + 4);
        b.put((byte) 0x80).put((byte) 101).putShort((short) seq).putInt((int) ts).putInt(ssrc);
        b.put((byte) 1).put((byte) (end ? 0x80 : 0)).putShort((short) 800);
        return b.flip();
    }

    @Test
    void twoPartiesWithLossReorderDuplicatesAndDtmfMakePlayableFilesOnOneTimeline() throws IOException {
        RecordingPipeline p = new RecordingPipeline(spec(RecordingMode.BOTH), audioFormats(), T0, dir,
                RecordingPipeline.Config.defaults(), KeyframeRequester.NONE);
        int a = PacketRing.FLAG_SIDE_B ^ PacketRing.FLAG_SIDE_B; // side A
        int b = PacketRing.FLAG_SIDE_B;
        // requester (A): 3 s from t=0, seq wraps, timestamp wraps
        for (int i = 0; i < 150; i++) {
            p.onPacket(T0 + i * 20_000L + (i % 3) * 1000, a, 0, pcma(65500 + i, 0xFFFF_F000L + i * 160L, 11, i));
        }
        // peer (B): 2 s from t=1 s; 5 lost, a swapped pair, 2 duplicates, one DTMF event of three packets
        for (int i = 0; i < 100; i++) {
            if (i >= 20 && i < 25) {
                continue;
            }
            int k = i == 40 ? 41 : i == 41 ? 40 : i;
            long at = T0 + 1_000_000 + i * 20_000L;
            p.onPacket(at, b, 0, pcma(1000 + k, 5000 + k * 160L, 22, k));
            if (i == 60 || i == 61) {
                p.onPacket(at + 1000, b, 0, pcma(1000 + k, 5000 + k * 160L, 22, k));
            }
        }
        for (int i = 0; i < 3; i++) {
            p.onPacket(T0 + 3_000_000 + i * 20_000L, b, 0, dtmf(1100 + i, 5000 + 100 * 160L, 22, i == 2));
        }
        p.finish();

        Ffprobe req = Ffprobe.probe(dir.resolve("requester.mkv"));
        assertEquals(1, req.streamCount());
        assertEquals("pcm_alaw", req.stream(0, "codec_name"), "G.711 stored as it came");
        assertEquals(8000, req.streamInt(0, "sample_rate"));
        assertEquals(150, req.streamInt(0, "nb_read_packets"));
        assertEquals(3.0, Double.parseDouble(req.format("duration")), 0.05);

        Ffprobe peer = Ffprobe.probe(dir.resolve("peer.mkv"));
        assertEquals(95, peer.streamInt(0, "nb_read_packets"), "100 sent, 5 lost, duplicates dropped");
        assertEquals(1.0, peer.streamDouble(0, "start_time"), 0.03, "the peer started 1 s into the recording");

        Ffprobe combined = Ffprobe.probe(dir.resolve("combined.mkv"));
        assertEquals(2, combined.streamCount());
        for (Path f : List.of(dir.resolve("requester.mkv"), dir.resolve("peer.mkv"), dir.resolve("combined.mkv"))) {
            assertEquals("", Ffprobe.decodeErrors(f), f + " decodes cleanly");
        }
        assertEquals(1L, p.dtmfEvents().get(Party.PEER), "one RFC 4733 event, three packets");
        assertFalse(p.dtmfEvents().containsKey(Party.REQUESTER));
        List<Map<String, Object>> sources = p.sources();
        assertEquals(2, sources.size());
        Map<String, Object> peerSource = sources.stream().filter(s -> s.get("party").equals("peer")).findFirst()
                .orElseThrow();
        assertEquals(5L, peerSource.get("lost"));
        assertEquals(2L, peerSource.get("duplicates"));
        assertEquals("arrival", peerSource.get("sync"));
    }

    @Test
    void modePeerWritesOnlyThePeer() throws IOException {
        RecordingPipeline p = new RecordingPipeline(spec(RecordingMode.PEER), audioFormats(), T0, dir,
                RecordingPipeline.Config.defaults(), KeyframeRequester.NONE);
        for (int i = 0; i < 50; i++) {
            p.onPacket(T0 + i * 20_000L, 0, 0, pcma(i, i * 160L, 1, i));
            p.onPacket(T0 + i * 20_000L, PacketRing.FLAG_SIDE_B, 0, pcma(i, i * 160L, 2, i));
        }
        p.finish();
        assertTrue(Files.exists(dir.resolve("peer.mkv")));
        assertFalse(Files.exists(dir.resolve("requester.mkv")));
        assertFalse(Files.exists(dir.resolve("combined.mkv")));
        assertEquals(50, Ffprobe.probe(dir.resolve("peer.mkv")).streamInt(0, "nb_read_packets"));
        assertEquals(1, p.tracks().size());
    }

    @Test
    void unknownPayloadTypesAndGarbageAreCountedNotRecorded() throws IOException {
        RecordingPipeline p = new RecordingPipeline(spec(RecordingMode.PEER), audioFormats(), T0, dir,
                RecordingPipeline.Config.defaults(), KeyframeRequester.NONE);
        ByteBuffer odd = pcma(1, 160, 3, 0);
        odd.put(1, (byte) 77);
        p.onPacket(T0, PacketRing.FLAG_SIDE_B, 0, odd);
        p.onPacket(T0, PacketRing.FLAG_SIDE_B, 0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        p.onPacket(T0, PacketRing.FLAG_SIDE_B | PacketRing.FLAG_RTCP, 0, ByteBuffer.wrap(new byte[] {(byte) 0x80}));
        p.finish();
        assertEquals(Map.of("peer/0/77/unknown", 1L), p.unrecordedPackets());
        assertEquals(1, p.malformed());
        assertTrue(p.tracks().isEmpty());
    }

    @Test
    void aSwitchFromPcmaToPcmuStartsASecondTrackAndIsNotedAsACodecChange() throws IOException {
        Map<Integer, PayloadFormat> pts = Map.of(
                8, new PayloadFormat(8, "PCMA", 8000, 1, Map.of()),
                0, new PayloadFormat(0, "PCMU", 8000, 1, Map.of()));
        MediaFormats formats = new MediaFormats(Map.of(0, new MediaFormats.StreamFormats(0, "audio", pts, pts, false,
                false)));
        RecordingPipeline p = new RecordingPipeline(spec(RecordingMode.PEER), formats, T0, dir,
                RecordingPipeline.Config.defaults(), KeyframeRequester.NONE);
        for (int i = 0; i < 100; i++) {
            ByteBuffer packet = pcma(i, i * 160L, 5, i);
            if (i >= 50) {
                packet.put(1, (byte) 0); // PCMU from 1 s on (the bytes stay A-law: any byte is a valid sample)
            }
            p.onPacket(T0 + i * 20_000L, PacketRing.FLAG_SIDE_B, 0, packet);
        }
        p.finish();
        // Each law is stored as it came, so each needs its own track: a player decodes the bytes by the track's law.
        assertEquals(List.of("PCMA", "PCMU"), p.tracks().stream().map(t -> t.encoding).toList());
        assertEquals(List.of(50L, 50L), p.tracks().stream().map(t -> t.frames).toList());
        assertEquals(1, p.codecChanges().size());
        assertEquals(1000.0, (Double) p.codecChanges().get(0).get("atMs"), 1.0);
        Ffprobe peer = Ffprobe.probe(dir.resolve("peer.mkv"));
        assertEquals(2, peer.streamCount());
        assertEquals("pcm_alaw", peer.stream(0, "codec_name"));
        assertEquals("pcm_mulaw", peer.stream(1, "codec_name"));
        assertEquals("", Ffprobe.decodeErrors(dir.resolve("peer.mkv")));
    }

    @Test
    void videoFramesDroppedBeforeTheFirstKeyframeAreCountedInTheTrack() throws IOException {
        // SPS and PPS of a 320x240 baseline stream, as ffmpeg's SDP gives them.
        Map<Integer, PayloadFormat> h264 = Map.of(96, new PayloadFormat(96, "H264", 90000, 1, Map.of(
                "packetization-mode", "1", "sprop-parameter-sets", "Z0LADNoFB+wEQAAAAwBAAAAHo8UKqA==,aM4PyA==")));
        MediaFormats formats = new MediaFormats(Map.of(1, new MediaFormats.StreamFormats(1, "video", h264, h264,
                false, false)));
        RecordingPipeline p = new RecordingPipeline(spec(RecordingMode.PEER), formats, T0, dir,
                RecordingPipeline.Config.defaults(), KeyframeRequester.NONE);
        for (int i = 0; i < 8; i++) {
            // One single-NAL-unit packet per frame: P slices, the IDR slice at frame 3 (first_mb_in_slice 0 both).
            ByteBuffer b = ByteBuffer.allocate(12 + 4);
            b.put((byte) 0x80).put((byte) (0x80 | 96)).putShort((short) i).putInt(i * 6000).putInt(7);
            b.put(i == 3 ? (byte) 0x65 : (byte) 0x41).put((byte) 0x88).putShort((short) 0);
            p.onPacket(T0 + i * 66_000L, PacketRing.FLAG_SIDE_B, 1, b.flip());
        }
        p.finish();
        assertEquals(1, p.tracks().size());
        assertEquals(5, p.tracks().get(0).frames);
        assertEquals(3, p.tracks().get(0).framesBeforeKeyframe, "the P frames before the IDR");
    }

    static ByteBuffer senderReport(int ssrc, long ntpUnixMicros, long rtpTimestamp) {
        ByteBuffer b = ByteBuffer.allocate(128);
        io.callrec.media.rtp.RtcpPackets.writeSenderReport(b, ssrc, io.callrec.media.rtp.NtpTime.fromUnixMicros(
                ntpUnixMicros), rtpTimestamp, 0, 0, "peer".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.flip();
    }

    /**
     * The peer's audio changes SSRC after 1 s; a Sender Report for the new SSRC claims its media is 5 s later than
     * it is (a hostile or broken sender). The new SSRC is placed by arrival and the track goes on seamlessly.
     */
    @Test
    void aLyingSenderReportForANewSsrcDoesNotMoveItsMedia() throws IOException {
        RecordingPipeline p = new RecordingPipeline(spec(RecordingMode.PEER), audioFormats(), T0, dir,
                RecordingPipeline.Config.defaults(), KeyframeRequester.NONE);
        int peerRtcp = PacketRing.FLAG_SIDE_B | PacketRing.FLAG_RTCP;
        long ntpZero = T0 + 7_000_000_000L; // the sender's wall clock is off by two hours: fine, it is one clock
        p.onPacket(T0, peerRtcp, 0, senderReport(22, ntpZero, 5000));
        for (int i = 0; i < 100; i++) {
            long at = T0 + i * 20_000L + (i % 4) * 500;
            if (i == 50) {
                p.onPacket(at, peerRtcp, 0, senderReport(23, ntpZero + 1_000_000 + 5_000_000, 90_000));
            }
            p.onPacket(at, PacketRing.FLAG_SIDE_B, 0, i < 50 ? pcma(1000 + i, 5000 + i * 160L, 22, i)
                    : pcma(7 + i, 90_000 + (i - 50) * 160L, 23, i));
        }
        p.finish();
        Ffprobe peer = Ffprobe.probe(dir.resolve("peer.mkv"));
        assertEquals(100, peer.streamInt(0, "nb_read_packets"));
        assertEquals(2.0, Double.parseDouble(peer.format("duration")), 0.05, "not 7 s");
        assertEquals("", Ffprobe.decodeErrors(dir.resolve("peer.mkv")));
        Map<Object, Map<String, Object>> bySsrc = new java.util.HashMap<>();
        p.sources().forEach(m -> bySsrc.put(m.get("ssrc"), m));
        assertEquals("rtcp-sr", bySsrc.get(22L).get("sync"));
        assertEquals("arrival", bySsrc.get(23L).get("sync"));
        assertEquals(1, bySsrc.get(23L).get("senderReportsIgnored"));
        assertEquals(1000.0, (Double) bySsrc.get(23L).get("offsetMs"), 3.0, "where it arrived");
        assertEquals(1, p.tracks().size(), "one track, both SSRCs");
        assertEquals(List.of(22, 23), p.tracks().get(0).ssrcs);
    }

    /**
     * Encryption at rest: every file (three Matroska files, two pcaps, the manifest) is stored encrypted, holds none
     * of the media, and decrypts to a recording that plays. The peer starts after more than a chunk of the combined
     * file is written, so adding its track re-seals the file's first chunk, as does closing (Cues, Duration).
     */
    @Test
    void withEncryptionAtRestEveryFileIsStoredEncryptedAndDecryptsToPlayableMedia() throws IOException {
        AtRestKeys keys = AtRestKeys.of(AtRestKey.random());
        RecordingSpec spec = new RecordingSpec("rec-1", RecordingMode.BOTH, Side.A, "sip:alice@example.com",
                "sip:bob@example.com", "ca", "cb", true, List.of());
        RecordingPipeline p = new RecordingPipeline(spec, audioFormats(), T0, dir,
                RecordingPipeline.Config.defaults().withAtRest(keys), KeyframeRequester.NONE);
        for (int i = 0; i < 300; i++) { // requester: 6 s from t=0
            long at = T0 + i * 20_000L;
            p.onPacket(at, 0, 0, pcma(i, i * 160L, 11, i));
            if (i >= 250) { // peer: from t=5 s, once about 80 KB of the combined file are written
                p.onPacket(at, PacketRing.FLAG_SIDE_B, 0, pcma(i, i * 160L, 22, i));
            }
            if (i % 50 == 49) {
                p.tick(at);
            }
        }
        p.finish();
        Map<String, Object> manifest = Manifest.build(spec, "complete", T0, T0 + 6_000_000, p, List.of(), List.of(),
                0, null, keys);
        Path manifestFile = dir.resolve("manifest.json");
        AtRestFiles.write(manifestFile, Manifest.JSON.writeValueAsBytes(manifest), keys);

        Path plain = Files.createDirectories(dir.resolve("decrypted"));
        byte[] audioSample = null;
        List<?> files = (List<?>) manifest.get("files");
        assertEquals(5, files.size(), "three Matroska files, two pcaps");
        for (Object o : files) {
            Map<?, ?> f = (Map<?, ?>) o;
            Path stored = dir.resolve((String) f.get("name"));
            byte[] storedBytes = Files.readAllBytes(stored);
            byte[] plainBytes;
            try (var in = AtRestFiles.openPlaintext(stored, keys)) {
                plainBytes = in.readAllBytes();
            }
            Files.write(plain.resolve(stored.getFileName()), plainBytes);
            Map<?, ?> storedForm = (Map<?, ?>) f.get("stored");
            assertEquals((long) plainBytes.length, ((Number) f.get("bytes")).longValue(), f.toString());
            assertEquals(sha256(plainBytes), f.get("sha256"));
            assertEquals((long) storedBytes.length, ((Number) storedForm.get("bytes")).longValue());
            assertEquals(sha256(storedBytes), storedForm.get("sha256"));
            assertEquals(keys.current().orElseThrow().id(), storedForm.get("keyId"));
            assertTrue(AtRestFiles.isSealed(stored), stored + " is encrypted");
            assertEquals(-1, JournalTest.indexOf(storedBytes, new byte[] {0x1a, 0x45, (byte) 0xdf, (byte) 0xa3}),
                    "no EBML header anywhere in " + stored);
            // 64 bytes from the middle of the decrypted file (frame data): not in the stored one.
            byte[] sample = java.util.Arrays.copyOfRange(plainBytes, plainBytes.length / 2, plainBytes.length / 2 + 64);
            assertEquals(-1, JournalTest.indexOf(storedBytes, sample), "plaintext of " + stored);
            if (stored.toString().endsWith(".mkv")) {
                audioSample = sample;
            } else {
                byte[] rtpPayload = java.util.Arrays.copyOfRange(alaw, 1600, 1664);
                assertTrue(JournalTest.indexOf(plainBytes, rtpPayload) >= 0, "the pcap holds the packets");
                assertEquals(-1, JournalTest.indexOf(storedBytes, rtpPayload), "no RTP payload in " + stored);
            }
        }
        for (Path f : List.of(dir.resolve("requester.mkv"), dir.resolve("peer.mkv"), dir.resolve("combined.mkv"),
                dir.resolve("requester.pcap"), dir.resolve("peer.pcap"), manifestFile)) {
            assertEquals(-1, JournalTest.indexOf(Files.readAllBytes(f), audioSample), "recorded audio in " + f);
        }
        assertEquals(-1, JournalTest.indexOf(Files.readAllBytes(manifestFile), "sip:alice".getBytes()));

        assertEquals(300, Ffprobe.probe(plain.resolve("requester.mkv")).streamInt(0, "nb_read_packets"));
        Ffprobe peer = Ffprobe.probe(plain.resolve("peer.mkv"));
        assertEquals(50, peer.streamInt(0, "nb_read_packets"));
        assertEquals(5.0, peer.streamDouble(0, "start_time"), 0.03);
        Ffprobe combined = Ffprobe.probe(plain.resolve("combined.mkv"));
        assertEquals(2, combined.streamCount(), "the peer's track, added late, is in the re-sealed first chunk");
        assertTrue(ByteBuffer.wrap(Files.readAllBytes(dir.resolve("combined.mkv"))).getInt(56) >= 2,
                "the first chunk was sealed, then sealed again for the peer's track and at close");
        assertEquals(6.0, Double.parseDouble(combined.format("duration")), 0.05, "Duration patched at close");
        for (String name : List.of("requester.mkv", "peer.mkv", "combined.mkv")) {
            assertEquals("", Ffprobe.decodeErrors(plain.resolve(name)), name + " decodes cleanly");
        }
        ExternalCommand.run(Duration.ofSeconds(30), "tshark", "-r", plain.resolve("peer.pcap").toString())
                .requireSuccess();
    }
}
