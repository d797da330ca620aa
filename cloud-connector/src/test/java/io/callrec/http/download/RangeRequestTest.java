package io.callrec.http.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RangeRequestTest {
    private static final long LEN = 1000;

    /** expected: "whole", "416", or "first-last". */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "bytes=0-499 | 0-499",
            "bytes=500-999 | 500-999",
            "bytes=500- | 500-999",
            "bytes=999- | 999-999",
            "bytes=0-0 | 0-0",
            "bytes=-1 | 999-999",
            "bytes=-500 | 500-999",
            "bytes=-1000 | 0-999",
            "bytes=-5000 | 0-999",
            "bytes=900-5000 | 900-999",
            "Bytes=1-2 | 1-2",
            "' bytes = 1-2 ' | 1-2",
            "bytes=0000000000000000000000000000001-2 | 1-2",
            // huge numbers saturate instead of overflowing
            "bytes=0-99999999999999999999999999 | 0-999",
            "bytes=-99999999999999999999999999 | 0-999",
            "bytes=9223372036854775807- | 416",
            "bytes=9223372036854775808- | 416",
            "bytes=99999999999999999999999999-99999999999999999999999999 | 416",
            // unsatisfiable
            "bytes=1000- | 416",
            "bytes=1000-1000 | 416",
            "bytes=-0 | 416",
            // invalid or not served: the whole file
            "bytes=500-499 | whole",
            "bytes=-5-10 | whole",
            "bytes=--5 | whole",
            "bytes=5--10 | whole",
            "bytes=-+5 | whole",
            "bytes=+5-10 | whole",
            "bytes=0x10-0x20 | whole",
            "bytes=1.5-2 | whole",
            "bytes=1 - 2 | whole",
            "bytes=abc | whole",
            "bytes=5 | whole",
            "bytes= | whole",
            "bytes=- | whole",
            "bytes | whole",
            "items=0-5 | whole",
            "=0-5 | whole",
            "garbage | whole",
            "bytes=0-0,-1 | whole",
            "bytes=0-1,2-3,4-5 | whole",
            "bytes=1000-,2000- | whole",
            "bytes=0-0, | whole",
            "bytes=١-٢ | whole",
    })
    void parses(String header, String expected) {
        assertEquals(expected, describe(RangeRequest.parse(List.of(header), LEN)));
    }

    @Test
    void noHeaderOrSeveralHeaderLinesMeanTheWholeFile() {
        assertEquals("whole", describe(RangeRequest.parse(List.of(), LEN)));
        assertEquals("whole", describe(RangeRequest.parse(null, LEN)));
        assertEquals("whole", describe(RangeRequest.parse(List.of("bytes=0-1", "bytes=2-3"), LEN)));
    }

    @Test
    void anEmptyFileSatisfiesNoRange() {
        assertEquals("416", describe(RangeRequest.parse(List.of("bytes=0-"), 0)));
        assertEquals("416", describe(RangeRequest.parse(List.of("bytes=-5"), 0)));
        assertEquals("416", describe(RangeRequest.parse(List.of("bytes=0-0"), 0)));
        assertEquals("whole", describe(RangeRequest.parse(List.of("bytes=x"), 0)));
    }

    @Test
    void partDescribesItself() {
        RangeRequest.Part p = new RangeRequest.Part(10, 19);
        assertEquals(10, p.length());
        assertEquals("bytes 10-19/1000", p.contentRange(1000));
        assertThrows(IllegalArgumentException.class, () -> new RangeRequest.Part(5, 4));
        assertThrows(IllegalArgumentException.class, () -> new RangeRequest.Part(-1, 4));
    }

    private static String describe(RangeRequest r) {
        if (r instanceof RangeRequest.Part p) {
            return p.first() + "-" + p.last();
        }
        return r instanceof RangeRequest.Unsatisfiable ? "416" : "whole";
    }
}
