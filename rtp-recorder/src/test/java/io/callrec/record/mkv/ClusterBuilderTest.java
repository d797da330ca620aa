package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.record.mkv.ClusterBuilder.Split;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterBuilderTest {
    private static final byte[] FRAME = {1, 2, 3, 4, 5};

    private final ClusterBuilder cluster = new ClusterBuilder(5000, 1 << 20);

    private int add(int track, long ms, boolean key) {
        return cluster.addBlock(track, ms, key, FRAME, 0, FRAME.length);
    }

    private static EbmlReader.Element parse(ByteBuffer whole) {
        byte[] bytes = new byte[whole.remaining()];
        whole.duplicate().get(bytes);
        List<EbmlReader.Element> top = EbmlReader.parse(bytes);
        assertEquals(1, top.size());
        assertEquals(MatroskaIds.CLUSTER, top.get(0).id());
        return top.get(0);
    }

    @Test
    void anEmptyClusterTakesAnyBlock() {
        assertEquals(Split.NONE, cluster.splitBefore(100_000, true));
        assertEquals(Split.NONE, cluster.splitBefore(0, false));
    }

    @Test
    void maxDurationEndsACluster() {
        add(1, 1000, true);
        assertEquals(Split.NONE, cluster.splitBefore(5999, false));
        assertEquals(Split.MAX_DURATION, cluster.splitBefore(6000, false));
    }

    @Test
    void aVideoKeyframeEndsAClusterOlderThanOneSecond() {
        add(1, 1000, true);
        assertEquals(Split.NONE, cluster.splitBefore(1999, true));
        assertEquals(Split.KEYFRAME, cluster.splitBefore(2000, true));
        assertEquals(Split.NONE, cluster.splitBefore(2000, false), "not a keyframe (or audio)");
    }

    @Test
    void relativeTimecodesMustFitSixteenBits() {
        ClusterBuilder longest = new ClusterBuilder(Short.MAX_VALUE, 1 << 20);
        longest.addBlock(1, 40_000, true, FRAME, 0, FRAME.length);
        assertEquals(Split.NONE, longest.splitBefore(40_000 - 32_768, false));
        assertEquals(Split.TIMECODE_RANGE, longest.splitBefore(40_000 - 32_769, false));
        assertEquals(Split.MAX_DURATION, longest.splitBefore(40_000 + 32_767, false));
        assertEquals(Split.TIMECODE_RANGE, longest.splitBefore(40_000 + 32_768, false));
        assertThrows(IllegalStateException.class,
                () -> longest.addBlock(1, 40_000 + 32_768, true, FRAME, 0, FRAME.length));
    }

    @Test
    void sizeBoundsTheCluster() {
        ClusterBuilder small = new ClusterBuilder(5000, 100);
        small.addBlock(1, 0, true, new byte[90], 0, 90);
        assertEquals(Split.NONE, small.splitBefore(1, false));
        small.addBlock(1, 1, true, new byte[10], 0, 10);
        assertEquals(Split.SIZE, small.splitBefore(2, false));
    }

    @Test
    void clusterElementHoldsTimestampAndSimpleBlocks() {
        int first = add(1, 1000, true);
        int second = add(2, 1020, false);
        int late = add(1, 995, true);
        ByteBuffer whole = cluster.finish();
        EbmlReader.Element c = parse(whole);
        assertEquals(1000, c.uint(MatroskaIds.TIMESTAMP));
        List<EbmlReader.Element> blocks = c.all(MatroskaIds.SIMPLE_BLOCK);
        assertEquals(3, blocks.size());
        EbmlReader.Block b0 = EbmlReader.block(blocks.get(0));
        EbmlReader.Block b1 = EbmlReader.block(blocks.get(1));
        EbmlReader.Block b2 = EbmlReader.block(blocks.get(2));
        assertEquals(List.of(1, 2, 1), List.of(b0.track(), b1.track(), b2.track()));
        assertEquals(List.of(0, 20, -5), List.of(b0.relativeTimecode(), b1.relativeTimecode(), b2.relativeTimecode()));
        assertEquals(List.of(0x80, 0, 0x80), List.of(b0.flags(), b1.flags(), b2.flags()));
        assertArrayEquals(FRAME, b1.frame());
        // Relative positions count from the start of the cluster's content (after its header).
        int contentStart = c.dataOffset();
        assertEquals(blocks.get(0).offset() - contentStart, first);
        assertEquals(blocks.get(1).offset() - contentStart, second);
        assertEquals(blocks.get(2).offset() - contentStart, late);
        assertEquals(4, first, "after the Timestamp element (id, size, 2 bytes for 1000)");
    }

    @Test
    void headerUsesTheShortestSize() {
        add(1, 0, true);
        ByteBuffer whole = cluster.finish();
        // id (4) + 1-byte size: content = Timestamp (3) + SimpleBlock (1 + 1 + 4 + 5) = 14 bytes.
        assertEquals(4 + 1 + 14, whole.remaining());
        assertEquals((byte) 0x8E, whole.get(whole.position() + 4));
    }

    @Test
    void bigTrackNumbersTakeTwoByteVints() {
        cluster.addBlock(200, 0, true, FRAME, 0, FRAME.length);
        EbmlReader.Block b = EbmlReader.block(parse(cluster.finish()).child(MatroskaIds.SIMPLE_BLOCK));
        assertEquals(200, b.track());
        assertArrayEquals(FRAME, b.frame());
    }

    @Test
    void theBufferIsReusedFromClusterToCluster() {
        byte[] big = new byte[10_000];
        cluster.addBlock(1, 0, true, big, 0, big.length);
        byte[] array = cluster.finish().array();
        cluster.clear();
        assertTrue(cluster.isEmpty());
        cluster.addBlock(1, 7000, true, big, 0, big.length);
        ByteBuffer second = cluster.finish();
        assertSame(array, second.array());
        assertEquals(7000, parse(second).uint(MatroskaIds.TIMESTAMP));
    }

    @Test
    void anEmptyClusterIsNeverFinished() {
        assertThrows(IllegalStateException.class, cluster::finish);
    }

    @Test
    void maxDurationMustFitTheTimecode() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterBuilder(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new ClusterBuilder(32_768, 100));
    }
}
