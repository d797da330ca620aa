package io.callrec.testing.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads an IVF file (what {@code ffmpeg -f ivf} writes for VP8/VP9): a 32-byte header, then size/pts/data frames. */
public final class IvfReader {
    private static final int HEADER_BYTES = 32;
    private static final int FRAME_HEADER_BYTES = 12;

    /** The file header: codec FourCC, picture size, time base and the frame count the writer declared. */
    public record Header(String fourcc, int width, int height, int timebaseDenominator, int timebaseNumerator,
                         int frameCount) {
    }

    /** One frame: its presentation time in time base units and its bytes. */
    public record Frame(long pts, byte[] data) {
    }

    private IvfReader() {
    }

    public static Header header(byte[] file) {
        ByteBuffer b = littleEndian(file);
        if (file.length < HEADER_BYTES || !"DKIF".equals(new String(file, 0, 4, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("not an IVF file (" + file.length + " bytes)");
        }
        return new Header(new String(file, 8, 4, StandardCharsets.US_ASCII), b.getShort(12) & 0xffff,
                b.getShort(14) & 0xffff, b.getInt(16), b.getInt(20), b.getInt(24));
    }

    public static List<Frame> frames(byte[] file) {
        ByteBuffer b = littleEndian(file);
        int headerLength = b.getShort(6) & 0xffff;
        header(file);
        List<Frame> frames = new ArrayList<>();
        int at = headerLength;
        while (at + FRAME_HEADER_BYTES <= file.length) {
            int size = b.getInt(at);
            long pts = b.getLong(at + 4);
            int dataStart = at + FRAME_HEADER_BYTES;
            if (size < 0 || dataStart + size > file.length) {
                throw new IllegalArgumentException("IVF frame at " + at + " of " + size + " bytes runs past the end ("
                        + file.length + ")");
            }
            frames.add(new Frame(pts, Arrays.copyOfRange(file, dataStart, dataStart + size)));
            at = dataStart + size;
        }
        return frames;
    }

    private static ByteBuffer littleEndian(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }
}
