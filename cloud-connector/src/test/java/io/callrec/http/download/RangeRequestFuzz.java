package io.callrec.http.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Range} headers come from anyone holding a link. Whatever they say, {@link RangeRequest#parse} must answer
 * with a part inside the file, the whole file or 416; a well-formed single range must be read exactly as RFC 9110
 * says, numbers of any size included (checked against arbitrary-precision arithmetic); and a part must read back
 * as itself.
 */
class RangeRequestFuzz {
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @FuzzTest(maxDuration = "20s", maxExecutions = 200000)
    void aRangeIsInsideTheFileOrRefusedAndDecimalRangesAreExact(FuzzedDataProvider data) {
        // Not consumeLong(0, Long.MAX_VALUE): Jazzer 0.24 skips the modulo for exactly that range, giving negatives.
        long length = data.consumeBoolean() ? data.consumeLong(0, 10_000) : data.consumeLong(0, Long.MAX_VALUE - 1);
        if (data.consumeBoolean()) {
            wellFormed(data, length);
            return;
        }
        List<String> values = new ArrayList<>();
        int lines = data.consumeInt(0, 3);
        for (int i = 0; i < lines; i++) {
            values.add(data.consumeString(100));
        }
        RangeRequest r = RangeRequest.parse(values, length);
        if (lines != 1) {
            assertEquals(RangeRequest.WHOLE, r, "no or several Range lines are ignored");
        }
        check(r, length);
    }

    /** {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix} with arbitrary decimal numbers. */
    private static void wellFormed(FuzzedDataProvider data, long length) {
        String first = digits(data);
        String last = digits(data);
        int form = data.consumeInt(0, 2);
        String header = (data.consumeBoolean() ? " BYTES = " : "bytes=")
                + (form == 0 ? first + "-" + last : form == 1 ? first + "-" : "-" + last);
        RangeRequest r = RangeRequest.parse(List.of(header), length);
        check(r, length);
        BigInteger len = BigInteger.valueOf(length);
        RangeRequest expected;
        if (form == 2) {
            BigInteger suffix = new BigInteger(last);
            expected = suffix.signum() == 0 || length == 0 ? RangeRequest.UNSATISFIABLE
                    : new RangeRequest.Part(len.subtract(suffix).max(BigInteger.ZERO).longValueExact(), length - 1);
        } else {
            BigInteger f = new BigInteger(first);
            BigInteger l = form == 1 ? MAX : new BigInteger(last).min(MAX);
            if (f.min(MAX).compareTo(l) > 0) {
                expected = RangeRequest.WHOLE; // last before first: not a valid range
            } else if (f.compareTo(len) >= 0) {
                expected = RangeRequest.UNSATISFIABLE;
            } else {
                expected = new RangeRequest.Part(f.longValueExact(), l.min(len.subtract(BigInteger.ONE)).longValueExact());
            }
        }
        assertEquals(expected, r, header + " of a " + length + "-byte file");
    }

    private static String digits(FuzzedDataProvider data) {
        StringBuilder b = new StringBuilder();
        int n = data.consumeInt(1, 25);
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + data.consumeInt(0, 9)));
        }
        return b.toString();
    }

    private static void check(RangeRequest r, long length) {
        if (r instanceof RangeRequest.Part p) {
            assertTrue(p.first() >= 0 && p.first() <= p.last() && p.last() < length, p + " of " + length);
            assertEquals(p, RangeRequest.parse(List.of("bytes=" + p.first() + "-" + p.last()), length), "read back");
            assertTrue(p.length() >= 1 && p.length() <= length);
        } else {
            assertTrue(r == RangeRequest.WHOLE || r == RangeRequest.UNSATISFIABLE, String.valueOf(r));
        }
    }
}
