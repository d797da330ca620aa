package io.callrec.rendition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The RFC 6381 codec string of the H.264 track of an MP4 file ({@code avc1.PPCCLL}: profile, constraint flags and
 * level from its {@code avcC} box), so that the player can ask {@code canPlayType} about the real profile rather
 * than a guess. Walks {@code moov/trak/mdia/minf/stbl/stsd/avc1/avcC}; reads only the {@code moov} box (a few kB
 * with {@code +faststart}), never the media.
 */
public final class Mp4AvcCodec {
    /** No moov is larger than this for a call: about 16 bytes per frame and sample. */
    static final int MAX_MOOV_BYTES = 64 << 20;
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "stbl");
    /** A VisualSampleEntry's fields before its child boxes (ISO/IEC 14496-12 §12.1.3). */
    private static final int VISUAL_SAMPLE_ENTRY_FIELDS = 78;

    private Mp4AvcCodec() {
    }

    /** @return empty when the file has no H.264 track */
    public static Optional<String> of(Path mp4) throws IOException {
        try (FileChannel ch = FileChannel.open(mp4, StandardOpenOption.READ)) {
            long at = 0;
            long size = ch.size();
            ByteBuffer header = ByteBuffer.allocate(16);
            while (at + 8 <= size) {
                header.clear().limit(16);
                ch.read(header, at);
                header.flip();
                if (header.remaining() < 8) {
                    break;
                }
                long boxSize = header.getInt(0) & 0xffffffffL;
                String type = type(header, 4);
                int headerBytes = 8;
                if (boxSize == 1 && header.remaining() >= 16) {
                    boxSize = header.getLong(8);
                    headerBytes = 16;
                } else if (boxSize == 0) {
                    boxSize = size - at;
                }
                if (boxSize < headerBytes) {
                    throw new IOException("MP4 box " + type + " at " + at + " has an impossible size " + boxSize);
                }
                if (type.equals("moov")) {
                    if (boxSize > MAX_MOOV_BYTES) {
                        throw new IOException("moov of " + boxSize + " bytes exceeds " + MAX_MOOV_BYTES);
                    }
                    ByteBuffer moov = ByteBuffer.allocate((int) (boxSize - headerBytes));
                    while (moov.hasRemaining() && ch.read(moov, at + headerBytes + moov.position()) > 0) {
                        // fill
                    }
                    moov.flip();
                    return find(moov);
                }
                at += boxSize;
            }
        }
        return Optional.empty();
    }

    /** Searches the children of a container box's payload (position to limit). */
    static Optional<String> find(ByteBuffer payload) {
        int at = payload.position();
        while (at + 8 <= payload.limit()) {
            long size = payload.getInt(at) & 0xffffffffL;
            String type = type(payload, at + 4);
            if (size < 8 || at + size > payload.limit()) {
                return Optional.empty();
            }
            int end = (int) (at + size);
            Optional<String> found = Optional.empty();
            if (CONTAINERS.contains(type)) {
                found = find(payload.duplicate().position(at + 8).limit(end));
            } else if (type.equals("stsd")) {
                // full box header (4) and entry count (4), then the sample entries
                found = find(payload.duplicate().position(Math.min(end, at + 16)).limit(end));
            } else if (type.equals("avc1") || type.equals("avc3")) {
                found = find(payload.duplicate().position(Math.min(end, at + 8 + VISUAL_SAMPLE_ENTRY_FIELDS))
                        .limit(end));
            } else if (type.equals("avcC") && size >= 12) {
                found = Optional.of(String.format(Locale.ROOT, "avc1.%02X%02X%02X", payload.get(at + 9) & 0xff,
                        payload.get(at + 10) & 0xff, payload.get(at + 11) & 0xff));
            }
            if (found.isPresent()) {
                return found;
            }
            at = end;
        }
        return Optional.empty();
    }

    private static String type(ByteBuffer b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) (b.get(at + i) & 0xff);
        }
        return new String(c);
    }
}
