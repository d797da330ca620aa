package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callrec.record.mkv.EbmlReader.Element;
import java.util.List;
import org.junit.jupiter.api.Test;

class CueIndexTest {

    private static List<Element> points(CueIndex cues, byte kind) {
        EbmlBuffer out = new EbmlBuffer(256);
        cues.writeTo(out, kind);
        Element element = EbmlReader.parse(out.toByteArray()).get(0);
        assertEquals(MatroskaIds.CUES, element.id());
        return element.all(MatroskaIds.CUE_POINT);
    }

    private static long clusterPosition(Element point) {
        return point.child(MatroskaIds.CUE_TRACK_POSITIONS).uint(MatroskaIds.CUE_CLUSTER_POSITION);
    }

    @Test
    void pointsGetTheirClusterPositionWhenTheClusterIsWritten() {
        CueIndex cues = new CueIndex();
        cues.note(CueIndex.KEYFRAME, 1, 0, 4);
        cues.commit(100);
        cues.note(CueIndex.KEYFRAME, 1, 1000, 4);
        cues.note(CueIndex.KEYFRAME, 2, 1010, 300);
        assertEquals(1, cues.size(CueIndex.KEYFRAME), "uncommitted points are not written");
        cues.commit(5000);
        List<Element> points = points(cues, CueIndex.KEYFRAME);
        assertEquals(List.of(100L, 5000L, 5000L), points.stream().map(CueIndexTest::clusterPosition).toList());
        Element last = points.get(2).child(MatroskaIds.CUE_TRACK_POSITIONS);
        assertEquals(2, last.uint(MatroskaIds.CUE_TRACK));
        assertEquals(300, last.uint(MatroskaIds.CUE_RELATIVE_POSITION));
        assertEquals(1010, points.get(2).uint(MatroskaIds.CUE_TIME));
    }

    @Test
    void pointsAreWrittenInTimeOrderEvenIfALateFrameAddedThemOutOfOrder() {
        CueIndex cues = new CueIndex();
        cues.note(CueIndex.KEYFRAME, 1, 2000, 4);
        cues.note(CueIndex.KEYFRAME, 2, 1500, 40);
        cues.note(CueIndex.KEYFRAME, 1, 3000, 4);
        cues.note(CueIndex.KEYFRAME, 2, 1500, 80);
        cues.commit(0);
        List<Element> points = points(cues, CueIndex.KEYFRAME);
        assertEquals(List.of(1500L, 1500L, 2000L, 3000L),
                points.stream().map(p -> p.uint(MatroskaIds.CUE_TIME)).toList());
        assertEquals(40, points.get(0).child(MatroskaIds.CUE_TRACK_POSITIONS).uint(MatroskaIds.CUE_RELATIVE_POSITION),
                "stable: equal times keep their order");
    }

    @Test
    void dropForgetsOneKindAndKeepsTheRest() {
        CueIndex cues = new CueIndex();
        for (int i = 0; i < 200; i++) {
            cues.note(i % 2 == 0 ? CueIndex.CLUSTER_START : CueIndex.KEYFRAME, 1, i * 100L, 4);
            if (i % 3 == 0) {
                cues.commit(i * 1000L);
            }
        }
        cues.drop(CueIndex.CLUSTER_START);
        assertEquals(0, cues.size(CueIndex.CLUSTER_START));
        assertEquals(99, cues.size(CueIndex.KEYFRAME), "committed up to i = 198");
        cues.commit(999_999);
        List<Element> points = points(cues, CueIndex.KEYFRAME);
        assertEquals(100, points.size());
        assertEquals(198_000L, clusterPosition(points.get(98)), "i = 197, committed with i = 198");
        assertEquals(999_999L, clusterPosition(points.get(99)));
    }

    @Test
    void nothingToIndexWritesNothing() {
        EbmlBuffer out = new EbmlBuffer(16);
        assertFalse(new CueIndex().writeTo(out, CueIndex.KEYFRAME));
        assertEquals(0, out.length());
    }
}
