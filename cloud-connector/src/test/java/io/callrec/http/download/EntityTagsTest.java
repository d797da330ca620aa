package io.callrec.http.download;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntityTagsTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String TAG = "\"" + SHA + "\"";

    @Test
    void strongTagQuotesTheHash() {
        assertEquals(TAG, EntityTags.strong(SHA));
    }

    @Test
    void ifNoneMatchUsesWeakComparison() {
        assertTrue(EntityTags.noneMatchHits(List.of(TAG), TAG));
        assertTrue(EntityTags.noneMatchHits(List.of("W/" + TAG), TAG));
        assertTrue(EntityTags.noneMatchHits(List.of("\"x\", " + TAG), TAG));
        assertTrue(EntityTags.noneMatchHits(List.of("\"x\"", TAG), TAG), "several header lines");
        assertTrue(EntityTags.noneMatchHits(List.of("*"), TAG));
        assertFalse(EntityTags.noneMatchHits(List.of("\"x\""), TAG));
        assertFalse(EntityTags.noneMatchHits(List.of(SHA), TAG), "unquoted is another tag");
        assertFalse(EntityTags.noneMatchHits(List.of(), TAG));
        assertFalse(EntityTags.noneMatchHits(List.of("*"), null), "a file without a hash has no tag");
    }

    @Test
    void ifRangeNeedsTheExactStrongTag() {
        assertTrue(EntityTags.ifRangeAllows(null, TAG), "no If-Range: ranges allowed");
        assertTrue(EntityTags.ifRangeAllows(TAG, TAG));
        assertTrue(EntityTags.ifRangeAllows(" " + TAG + " ", TAG));
        assertFalse(EntityTags.ifRangeAllows("W/" + TAG, TAG));
        assertFalse(EntityTags.ifRangeAllows("\"other\"", TAG));
        assertFalse(EntityTags.ifRangeAllows("Wed, 25 Nov 2026 12:00:00 GMT", TAG));
        assertFalse(EntityTags.ifRangeAllows(TAG, null));
    }
}
