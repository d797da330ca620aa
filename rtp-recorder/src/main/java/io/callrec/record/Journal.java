package io.callrec.record;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The append-only journal of one recording: every packet the recording received, and the metadata needed to rebuild
 * the files from it after a crash. Record framing: {@code int bodyLength, body, int crc32c(body)} where body starts
 * with a type byte. A torn or corrupt tail (power loss mid-write) ends reading there; everything before it is used.
 */
final class Journal {
    static final byte[] MAGIC = {'C', 'R', 'J', '1'};
    static final byte META = 1;
    static final byte FORMATS = 2;
    static final byte PACKET = 3;
    static final byte CONTROL = 4;
    /** Upper bound of one record body: a UDP datagram plus header, or a metadata document. */
    static final int MAX_BODY = 1 << 20;

    private Journal() {
    }

    /** Appends records into a buffer and writes it to the file in large writes; the worker owns it. */
    static final class Writer implements Closeable {
        private final Path file;
        private final FileChannel channel;
        private final ByteBuffer buffer;
        private final CRC32C crc = new CRC32C();
        private long bytes;
        private boolean closed;

        Writer(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            this.buffer = ByteBuffer.allocateDirect(128 * 1024);
            buffer.put(MAGIC);
        }

        /** A packet: {@code entry} is one {@link PacketRing} entry's fields. */
        void packet(long arrivalMicros, int flags, int stream, ByteBuffer packet) throws IOException {
            int length = packet.remaining();
            int body = 1 + 8 + 1 + 2 + length;
            ensure(4 + body + 4);
            buffer.putInt(body);
            int start = buffer.position();
            buffer.put(PACKET).putLong(arrivalMicros).put((byte) flags).putShort((short) stream);
            int p = packet.position();
            buffer.put(packet);
            packet.position(p);
            putCrc(start);
        }

        void json(byte type, String json) throws IOException {
            byte[] text = json.getBytes(StandardCharsets.UTF_8);
            int body = 1 + text.length;
            if (body > MAX_BODY) {
                throw new IOException("journal record of " + body + " bytes exceeds " + MAX_BODY);
            }
            if (4 + body + 4 > buffer.capacity()) {
                flush();
                ByteBuffer big = ByteBuffer.allocate(4 + body + 4);
                big.putInt(body).put(type).put(text);
                crc.reset();
                crc.update(big.array(), 4, body);
                big.putInt((int) crc.getValue()).flip();
                writeFully(big);
                return;
            }
            ensure(4 + body + 4);
            buffer.putInt(body);
            int start = buffer.position();
            buffer.put(type).put(text);
            putCrc(start);
        }

        /** Hands what is buffered to the operating system (survives a process crash, not a power loss). */
        void flush() throws IOException {
            buffer.flip();
            writeFully(buffer);
            buffer.clear();
        }

        /** Flushes, then forces it to the disk (survives a power loss). */
        void sync() throws IOException {
            flush();
            channel.force(false);
        }

        long bytes() {
            return bytes + buffer.position();
        }

        /** Syncs and closes; idempotent, and a no-op after {@link #discard}. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                sync();
            } finally {
                channel.close();
            }
        }

        /**
         * Closes without writing what is buffered and deletes the file, for a recording whose files are all that is
         * kept (the disk is full). Never throws: a journal that cannot be deleted is left for recovery to find.
         */
        void discard() {
            closed = true;
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // recovery at the next start rebuilds from it, or moves it aside
            }
        }

        private void putCrc(int start) {
            ByteBuffer body = buffer.duplicate();
            body.position(start).limit(buffer.position());
            crc.reset();
            crc.update(body);
            buffer.putInt((int) crc.getValue());
        }

        private void ensure(int needed) throws IOException {
            if (buffer.remaining() < needed) {
                flush();
            }
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                bytes += channel.write(b);
            }
        }
    }

    /** Receives the records of a journal in order. */
    interface Visitor {
        void packet(long arrivalMicros, int flags, int stream, ByteBuffer packet);

        void json(byte type, String json);
    }

    /**
     * What reading found.
     *
     * @param records   records delivered
     * @param validBytes bytes up to the end of the last good record
     * @param tail      null if the file ended cleanly, else why reading stopped early (torn or corrupt record)
     */
    record ReadResult(long records, long validBytes, String tail) {
    }

    /** Reads a journal; never throws on damaged content, only on I/O errors. */
    static ReadResult read(Path file, Visitor visitor) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 256 * 1024)) {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4 || magic[0] != 'C' || magic[1] != 'R' || magic[2] != 'J' || magic[3] != '1') {
                return new ReadResult(0, 0, "not a callrec journal (bad magic)");
            }
            long offset = 4;
            long records = 0;
            byte[] body = new byte[2048];
            byte[] word = new byte[4];
            CRC32C crc = new CRC32C();
            while (true) {
                int n = in.readNBytes(word, 0, 4);
                if (n == 0) {
                    return new ReadResult(records, offset, null);
                }
                if (n < 4) {
                    return new ReadResult(records, offset, "torn record header at byte " + offset);
                }
                int length = ByteBuffer.wrap(word).getInt();
                if (length < 1 || length > MAX_BODY) {
                    return new ReadResult(records, offset, "bad record length " + length + " at byte " + offset);
                }
                if (body.length < length) {
                    body = new byte[Math.max(length, body.length * 2)];
                }
                if (in.readNBytes(body, 0, length) < length || in.readNBytes(word, 0, 4) < 4) {
                    return new ReadResult(records, offset, "torn record at byte " + offset);
                }
                crc.reset();
                crc.update(body, 0, length);
                if ((int) crc.getValue() != ByteBuffer.wrap(word).getInt()) {
                    return new ReadResult(records, offset, "checksum mismatch at byte " + offset);
                }
                ByteBuffer b = ByteBuffer.wrap(body, 0, length);
                byte type = b.get();
                if (type == PACKET) {
                    if (length < 12) {
                        return new ReadResult(records, offset, "short packet record at byte " + offset);
                    }
                    long arrival = b.getLong();
                    int flags = b.get() & 0xff;
                    int stream = b.getShort() & 0xffff;
                    visitor.packet(arrival, flags, stream, b.slice());
                } else {
                    visitor.json(type, new String(body, 1, length - 1, StandardCharsets.UTF_8));
                }
                records++;
                offset += 4 + length + 4;
            }
        }
    }
}
