package io.callrec.http.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Conditional headers decide between 304, 206 and 200. {@link EntityTags} must find our tag among any others
 * (weakly for If-None-Match, RFC 9110 §13.1.2), never let a weak tag or anything but our exact strong tag allow a
 * partial answer under If-Range, and never throw.
 */
class EntityTagsFuzz {

    @FuzzTest(maxDuration = "20s", maxExecutions = 20000)
    void ourTagIsFoundAmongAnyOthersAndIfRangeNeedsItExactly(FuzzedDataProvider data) {
        // Our tags are SHA-256 in hex: splitting at commas is exact for them (and only for them).
        String etag = EntityTags.strong(HexFormat.of().formatHex(data.consumeBytes(32)));
        List<String> lines = new ArrayList<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            lines.add(data.consumeString(200));
        }
        String ifRange = data.consumeBoolean() ? null : data.consumeRemainingAsString();

        boolean hit = EntityTags.noneMatchHits(lines, etag);
        assertFalse(EntityTags.noneMatchHits(lines, null), "no tag, no match");
        assertFalse(EntityTags.noneMatchHits(null, etag));
        List<String> withOurs = new ArrayList<>(lines);
        withOurs.add(" W/" + etag + " ");
        assertTrue(EntityTags.noneMatchHits(withOurs, etag), "weak comparison finds " + etag + " in " + withOurs);
        List<String> prefixed = new ArrayList<>(lines);
        prefixed.add(0, etag + ",");
        assertTrue(EntityTags.noneMatchHits(prefixed, etag));
        if (hit) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("*") || l.contains(etag)), lines + " hit " + etag);
        }

        boolean allowed = EntityTags.ifRangeAllows(ifRange, etag);
        assertEquals(ifRange == null || ifRange.strip().equals(etag), allowed, "If-Range " + ifRange);
        assertFalse(EntityTags.ifRangeAllows("W/" + etag, etag), "a weak tag never allows a range");
        assertTrue(EntityTags.ifRangeAllows(" " + etag + "\t", etag));
        assertEquals(ifRange == null, EntityTags.ifRangeAllows(ifRange, null));
    }
}
