package io.callrec.testing.media;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an H.264 Annex-B byte stream (what {@code ffmpeg -f h264} writes): NAL units, access units, AVCC form.
 * Test-only and deliberately simple; it trusts its input.
 */
public final class AnnexB {
    private AnnexB() {
    }

    /** The NAL units between start codes, without the start codes and without trailing zero bytes. */
    public static List<byte[]> nalUnits(byte[] stream) {
        List<byte[]> nals = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < stream.length) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                if (start >= 0) {
                    nals.add(withoutTrailingZeros(stream, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < stream.length) {
            nals.add(withoutTrailingZeros(stream, start, stream.length));
        }
        return nals;
    }

    private static byte[] withoutTrailingZeros(byte[] stream, int from, int to) {
        int end = to;
        while (end > from && stream[end - 1] == 0) {
            end--; // zero_byte of a 4-byte start code, or trailing_zero_8bits
        }
        return Arrays.copyOfRange(stream, from, end);
    }

    /**
     * Groups NAL units into access units (H.264 §7.4.1.2.3): once an access unit has a slice, an AUD, SEI, SPS,
     * PPS or type 14..18, or a slice with first_mb_in_slice = 0 (a first bit of 1 after the NAL header) begins the
     * next one.
     */
    public static List<List<byte[]>> accessUnits(List<byte[]> nals) {
        List<List<byte[]>> units = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        boolean hasSlice = false;
        for (byte[] nal : nals) {
            int type = nal[0] & 0x1f;
            boolean slice = type == 1 || type == 5;
            boolean firstSlice = slice && nal.length > 1 && (nal[1] & 0x80) != 0;
            boolean opener = type == 6 || type == 7 || type == 8 || type == 9 || (type >= 14 && type <= 18);
            if (hasSlice && (opener || firstSlice)) {
                units.add(current);
                current = new ArrayList<>();
                hasSlice = false;
            }
            current.add(nal);
            hasSlice |= slice;
        }
        if (!current.isEmpty()) {
            units.add(current);
        }
        return units;
    }

    /** An access unit in AVCC form: every NAL unit behind its 4-byte big-endian length. */
    public static byte[] avcc(List<byte[]> accessUnit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : accessUnit) {
            out.write(nal.length >>> 24);
            out.write(nal.length >>> 16);
            out.write(nal.length >>> 8);
            out.write(nal.length);
            out.write(nal, 0, nal.length);
        }
        return out.toByteArray();
    }

    /** The first NAL unit of {@code type} in the stream, or null. */
    public static byte[] firstOfType(List<byte[]> nals, int type) {
        for (byte[] nal : nals) {
            if ((nal[0] & 0x1f) == type) {
                return nal;
            }
        }
        return null;
    }
}
