package io.callrec.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The consent audit log (spec §5): {@code DATA/consent.log}, one JSON object per line, append-only. Each entry is
 * forced to disk before {@link #append} returns: decisions are rare (a few per call) and an audit log that loses
 * its last entries in a crash is worth little. Shared by all calls; thread-safe.
 *
 * <p>The file names people and their phone numbers, so it is created readable by its owner only.
 */
public final class ConsentLog implements Closeable {
    public static final String FILE_NAME = "consent.log";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;

    private ConsentLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating if needed) {@value #FILE_NAME} in {@code dataDir}; existing entries are kept. */
    public static ConsentLog open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new ConsentLog(file, ch);
    }

    public Path file() {
        return file;
    }

    /**
     * Writes one line and forces it to disk.
     *
     * @return the entry as written, for the manifests of the recordings it concerns
     */
    public synchronized Map<String, Object> append(ConsentEntry entry) throws IOException {
        Map<String, Object> map = entry.toMap();
        // Jackson escapes control characters, so an identity holding a newline cannot split the line.
        byte[] json = JSON.writeValueAsBytes(map);
        ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        while (line.hasRemaining()) {
            channel.write(line);
        }
        channel.force(false);
        return map;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
