package io.callrec.record.mkv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A strict test-only EBML parser: every element must lie inside its parent, sizes must add up, so a wrong size
 * anywhere fails the test. Masters are parsed into children, everything else is kept as bytes.
 */
final class EbmlReader {
    private static final Set<Integer> MASTERS = Set.of(MatroskaIds.EBML, MatroskaIds.SEGMENT,
            MatroskaIds.SEEK_HEAD, MatroskaIds.SEEK, MatroskaIds.INFO, MatroskaIds.TRACKS, MatroskaIds.TRACK_ENTRY,
            MatroskaIds.VIDEO, MatroskaIds.AUDIO, MatroskaIds.CLUSTER, MatroskaIds.CUES, MatroskaIds.CUE_POINT,
            MatroskaIds.CUE_TRACK_POSITIONS);

    /** One element: {@code offset} of its id in the input, {@code dataOffset} of its content. */
    record Element(int id, int offset, int dataOffset, int size, boolean unknownSize, List<Element> children,
                   byte[] data) {

        int end() {
            return dataOffset + size;
        }

        List<Element> all(int childId) {
            return children.stream().filter(e -> e.id == childId).toList();
        }

        Element child(int childId) {
            List<Element> found = all(childId);
            if (found.size() != 1) {
                throw new AssertionError(String.format("expected one 0x%X in 0x%X, found %d", childId, id,
                        found.size()));
            }
            return found.get(0);
        }

        boolean has(int childId) {
            return !all(childId).isEmpty();
        }

        long uint() {
            long value = 0;
            for (byte b : data) {
                value = value << 8 | (b & 0xFF);
            }
            return value;
        }

        double floatValue() {
            return data.length == 4 ? Float.intBitsToFloat((int) uint()) : Double.longBitsToDouble(uint());
        }

        String string() {
            return new String(data, StandardCharsets.UTF_8);
        }

        long uint(int childId) {
            return child(childId).uint();
        }

        String string(int childId) {
            return child(childId).string();
        }
    }

    /** A SimpleBlock's header fields and frame. */
    record Block(int track, int relativeTimecode, int flags, byte[] frame) {
        boolean keyframe() {
            return (flags & 0x80) != 0;
        }
    }

    private EbmlReader() {
    }

    /** The top-level elements of {@code bytes}; an unknown-size element extends to the end. */
    static List<Element> parse(byte[] bytes) {
        return parse(bytes, 0, bytes.length);
    }

    static List<Element> parse(byte[] bytes, int from, int to) {
        List<Element> out = new ArrayList<>();
        int pos = from;
        while (pos < to) {
            Element e = element(bytes, pos, to);
            out.add(e);
            pos = e.end();
        }
        if (pos != to) {
            throw new AssertionError("elements overrun their parent: end " + pos + " vs " + to);
        }
        return out;
    }

    private static Element element(byte[] bytes, int pos, int limit) {
        int idLength = vintLength(bytes[pos]);
        if (idLength > 4) {
            throw new AssertionError("id of " + idLength + " bytes at " + pos);
        }
        int id = (int) raw(bytes, pos, idLength);
        int sizePos = pos + idLength;
        int sizeLength = vintLength(bytes[sizePos]);
        long rawSize = raw(bytes, sizePos, sizeLength);
        long size = rawSize & ~(1L << (7 * sizeLength));
        boolean unknown = size == (1L << (7 * sizeLength)) - 1;
        int dataOffset = sizePos + sizeLength;
        int end = unknown ? limit : Math.toIntExact(dataOffset + size);
        if (end > limit) {
            throw new AssertionError(String.format("element 0x%X at %d ends at %d beyond its parent's end %d",
                    id, pos, end, limit));
        }
        if (MASTERS.contains(id)) {
            return new Element(id, pos, dataOffset, end - dataOffset, unknown, parse(bytes, dataOffset, end),
                    new byte[0]);
        }
        byte[] data = new byte[end - dataOffset];
        System.arraycopy(bytes, dataOffset, data, 0, data.length);
        return new Element(id, pos, dataOffset, data.length, unknown, List.of(), data);
    }

    static Block block(Element simpleBlock) {
        byte[] d = simpleBlock.data();
        int trackLength = vintLength(d[0]);
        int track = (int) (raw(d, 0, trackLength) & ~(1L << (7 * trackLength)));
        int relative = (short) ((d[trackLength] & 0xFF) << 8 | (d[trackLength + 1] & 0xFF));
        int flags = d[trackLength + 2] & 0xFF;
        byte[] frame = new byte[d.length - trackLength - 3];
        System.arraycopy(d, trackLength + 3, frame, 0, frame.length);
        return new Block(track, relative, flags, frame);
    }

    /** The single Segment of a Matroska file, after checking the EBML header is first. */
    static Element segment(byte[] file) {
        List<Element> top = parse(file);
        if (top.size() != 2 || top.get(0).id() != MatroskaIds.EBML || top.get(1).id() != MatroskaIds.SEGMENT) {
            throw new AssertionError("expected EBML header + Segment, got " + top.size() + " elements");
        }
        return top.get(1);
    }

    private static int vintLength(byte first) {
        int b = first & 0xFF;
        if (b == 0) {
            throw new AssertionError("invalid variable-size integer (first byte 0)");
        }
        return Integer.numberOfLeadingZeros(b) - 23;
    }

    private static long raw(byte[] bytes, int pos, int length) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = value << 8 | (bytes[pos + i] & 0xFF);
        }
        return value;
    }
}
