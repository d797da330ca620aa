package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.atrest.AtRestKey;
import io.callrec.atrest.AtRestKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    private record Rec(String what, long arrival, int flags, int stream, byte[] bytes) {
    }

    private static List<Rec> readAll(Path file, Journal.ReadResult[] result) throws IOException {
        return readAll(file, AtRestKeys.none(), result);
    }

    private static List<Rec> readAll(Path file, AtRestKeys keys, Journal.ReadResult[] result) throws IOException {
        List<Rec> out = new ArrayList<>();
        result[0] = Journal.read(file, keys, new Journal.Visitor() {
            @Override
            public void packet(long arrivalMicros, int flags, int stream, ByteBuffer packet) {
                byte[] b = new byte[packet.remaining()];
                packet.get(b);
                out.add(new Rec("packet", arrivalMicros, flags, stream, b));
            }

            @Override
            public void json(byte type, String json) {
                out.add(new Rec("json" + type + ":" + json, 0, 0, 0, null));
            }
        });
        return out;
    }

    private Path writeSample(int packets) throws IOException {
        return writeSample(packets, AtRestKeys.none());
    }

    private Path writeSample(int packets, AtRestKeys keys) throws IOException {
        Path file = dir.resolve("j.crj");
        try (Journal.Writer w = new Journal.Writer(file, keys)) {
            w.json(Journal.META, "{\"a\":1}");
            for (int i = 0; i < packets; i++) {
                byte[] p = new byte[100 + i % 50];
                Arrays.fill(p, (byte) i);
                w.packet(1000L + i, i % 4, i % 3, ByteBuffer.wrap(p));
            }
            w.json(Journal.CONTROL, "{\"control\":\"stop\"}");
        }
        return file;
    }

    @Test
    void everyRecordReadsBackInOrder() throws IOException {
        Path file = writeSample(5000);
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        List<Rec> recs = readAll(file, r);
        assertNull(r[0].tail());
        assertEquals(5002, recs.size());
        assertEquals("json1:{\"a\":1}", recs.get(0).what());
        Rec p = recs.get(1 + 4321);
        assertEquals(1000L + 4321, p.arrival());
        assertEquals(4321 % 4, p.flags());
        assertEquals(4321 % 3, p.stream());
        assertEquals(100 + 4321 % 50, p.bytes().length);
        assertEquals((byte) 4321, p.bytes()[0]);
        assertEquals(Files.size(file), r[0].validBytes());
    }

    @Test
    void aTornTailIsCutAtTheLastWholeRecord() throws IOException {
        Path file = writeSample(100);
        byte[] all = Files.readAllBytes(file);
        for (int cut : new int[] {all.length - 1, all.length - 30, all.length - 200}) {
            Path torn = dir.resolve("torn-" + cut);
            Files.write(torn, Arrays.copyOf(all, cut));
            Journal.ReadResult[] r = new Journal.ReadResult[1];
            List<Rec> recs = readAll(torn, r);
            assertNotNull(r[0].tail(), "cut at " + cut);
            assertTrue(recs.size() < 102 && recs.size() > 90, recs.size() + " records before the cut at " + cut);
        }
    }

    @Test
    void aFlippedBitStopsReadingAtThatRecord() throws IOException {
        Path file = writeSample(100);
        byte[] all = Files.readAllBytes(file);
        all[all.length / 2] ^= 0x10;
        Files.write(file, all);
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        List<Rec> recs = readAll(file, r);
        assertTrue(r[0].tail().contains("checksum") || r[0].tail().contains("length"), r[0].tail());
        assertTrue(recs.size() > 30 && recs.size() < 70, "records before the damage: " + recs.size());
    }

    @Test
    void garbageIsNotAJournal() throws IOException {
        Path file = dir.resolve("garbage");
        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        assertTrue(readAll(file, r).isEmpty());
        assertTrue(r[0].tail().contains("magic"));
    }

    @Test
    void aLargeMetadataRecordBypassesTheBuffer() throws IOException {
        Path file = dir.resolve("big.crj");
        String big = "{\"x\":\"" + "y".repeat(300_000) + "\"}";
        try (Journal.Writer w = new Journal.Writer(file)) {
            w.packet(1, 0, 0, ByteBuffer.wrap(new byte[12]));
            w.json(Journal.FORMATS, big);
            w.packet(2, 0, 0, ByteBuffer.wrap(new byte[12]));
        }
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        List<Rec> recs = readAll(file, r);
        assertNull(r[0].tail());
        assertEquals(3, recs.size());
        assertEquals("json2:" + big, recs.get(1).what());
        assertEquals(2, recs.get(2).arrival());
    }

    // ---- encrypted at rest ----------------------------------------------------------------------------------

    private static final AtRestKeys KEYS = AtRestKeys.of(AtRestKey.random());

    @Test
    void anEncryptedJournalReadsBackLikeAPlainOneAndShowsNoneOfItsContent() throws IOException {
        Path file = writeSample(5000, KEYS);
        byte[] stored = Files.readAllBytes(file);
        assertEquals(-1, indexOf(stored, "CRJ1".getBytes()), "no journal magic");
        assertEquals(-1, indexOf(stored, "{\"control\"".getBytes()), "no metadata text");
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 42);
        assertEquals(-1, indexOf(stored, payload), "no packet bytes");
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        List<Rec> recs = readAll(file, KEYS, r);
        assertNull(r[0].tail());
        assertEquals(5002, recs.size());
        assertEquals("json4:{\"control\":\"stop\"}", recs.get(5001).what());
        assertEquals(1000L + 4321, recs.get(1 + 4321).arrival());
    }

    @Test
    void anEncryptedJournalKeepsEverythingFlushedBeforeACrash() throws IOException {
        Path file = dir.resolve("live.crj");
        try (Journal.Writer w = new Journal.Writer(file, KEYS)) {
            w.json(Journal.META, "{\"a\":1}");
            for (int i = 0; i < 700; i++) {
                w.packet(i, 0, 0, ByteBuffer.wrap(new byte[172]));
                if (i == 299) {
                    w.flush();
                    Files.copy(file, dir.resolve("after-300.crj")); // what a kill -9 here would leave
                }
            }
            w.flush();
            Files.copy(file, dir.resolve("after-700.crj"));
        }
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        assertEquals(301, readAll(dir.resolve("after-300.crj"), KEYS, r).size());
        assertNull(r[0].tail(), "a journal cut at a flush is not damaged");
        assertEquals(701, readAll(dir.resolve("after-700.crj"), KEYS, r).size());
        assertEquals(701, readAll(file, KEYS, r).size());
    }

    @Test
    void aDamagedChunkOfAnEncryptedJournalEndsReadingThere() throws IOException {
        Path file = writeSample(1000, KEYS);
        byte[] all = Files.readAllBytes(file);
        all[all.length / 2] ^= 0x10;
        Files.write(file, all);
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        List<Rec> recs = readAll(file, KEYS, r);
        assertTrue(r[0].tail().contains("encrypted journal: chunk") && r[0].tail().contains("does not authenticate"),
                r[0].tail());
        assertTrue(recs.size() > 400 && recs.size() < 520, "records before the damaged chunk: " + recs.size());
    }

    @Test
    void anEncryptedJournalNeedsItsKey() throws IOException {
        Path file = writeSample(10, KEYS);
        AtRestKeys other = AtRestKeys.of(AtRestKey.random());
        IOException e = assertThrows(IOException.class, () -> readAll(file, other, new Journal.ReadResult[1]));
        assertTrue(e.getMessage().startsWith("j.crj: encrypted with at-rest key "
                + KEYS.current().orElseThrow().id() + ", which is not configured"), e.getMessage());
    }

    @Test
    void aCopiedRecordReadsAsTheOriginal() throws IOException {
        Path file = dir.resolve("copy.crj");
        try (Journal.Writer w = new Journal.Writer(file)) {
            w.record(Journal.CONTROL, ByteBuffer.wrap("{\"control\":\"pause\"}".getBytes()));
            ByteBuffer packet = ByteBuffer.allocate(11 + 3).putLong(77).put((byte) 2).putShort((short) 5)
                    .put(new byte[] {9, 8, 7}).flip();
            w.record(Journal.PACKET, packet);
            w.record(Journal.PACKET, ByteBuffer.allocate(11 + 100_000).putLong(78).flip().limit(11 + 100_000));
        }
        Journal.ReadResult[] r = new Journal.ReadResult[1];
        List<Rec> recs = readAll(file, r);
        assertNull(r[0].tail());
        assertEquals("json4:{\"control\":\"pause\"}", recs.get(0).what());
        assertEquals(List.of(77L, 2, 5), List.of(recs.get(1).arrival(), recs.get(1).flags(), recs.get(1).stream()));
        assertArrayEquals(new byte[] {9, 8, 7}, recs.get(1).bytes());
        assertEquals(100_000, recs.get(2).bytes().length, "a record bigger than the buffer is written whole");
    }

    /** Where {@code needle} first occurs in {@code haystack}, or -1 (ISO-8859-1 maps bytes to chars one to one). */
    static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, java.nio.charset.StandardCharsets.ISO_8859_1)
                .indexOf(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
