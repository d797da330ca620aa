package io.callrec.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 as the manifests write it: lower-case hex. */
public final class Sha256 {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    /**
     * 64 KiB hashes as fast as 1 MiB and stays far below G1's humongous-object size (half a heap region, 512 KiB
     * at the smallest region size): when a call burst ends, ~8 files per recording are hashed at once, and 1 MiB
     * buffers, each allocated straight into the old generation, grew the heap by ~1.6 MiB per recording.
     */
    private static final int BUFFER = 64 * 1024;
    /**
     * Files are hashed one after another on a few long-lived threads (uploader workers, renditions), and a buffer per
     * file was most of what hashing allocated. Nothing called while one is in use hashes on the same thread.
     */
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static boolean isHex(String s) {
        return s != null && HEX.matcher(s).matches();
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String of(byte[] data) {
        return hex(newDigest().digest(data));
    }

    /** Reads the whole file once. */
    public static String of(Path file) throws IOException {
        MessageDigest d = newDigest();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.wrap(BUFFERS.get());
            while (ch.read(buf) >= 0) {
                buf.flip();
                d.update(buf);
                buf.clear();
            }
        }
        return hex(d.digest());
    }

    /** Reads the stream to its end; the caller closes it. */
    public static String of(InputStream in) throws IOException {
        MessageDigest d = newDigest();
        byte[] buf = BUFFERS.get();
        for (int n; (n = in.read(buf)) >= 0; ) {
            d.update(buf, 0, n);
        }
        return hex(d.digest());
    }
}
