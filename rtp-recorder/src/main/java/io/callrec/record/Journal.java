package io.callrec.record;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import io.callrec.atrest.SealedInputStream;
import io.callrec.atrest.WritableFile;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The append-only journal of one recording: every packet the recording received, and the metadata needed to rebuild
 * the files from it after a crash. Record framing: {@code int bodyLength, body, int crc32c(body)} where body starts
 * with a type byte. A torn or corrupt tail (power loss mid-write) ends reading there; everything before it is used.
 *
 * <p>With encryption at rest the journal is an encrypted file in small chunks ({@value #SEALED_CHUNK} bytes): every
 * flush seals the chunk being filled, so a crash loses no more than it would in plain; a power loss in the middle
 * of sealing loses that chunk.
 */
final class Journal {
    static final byte[] MAGIC = {'C', 'R', 'J', '1'};
    static final byte META = 1;
    static final byte FORMATS = 2;
    static final byte PACKET = 3;
    static final byte CONTROL = 4;
    /** Upper bound of one record body: a UDP datagram plus header, or a metadata document. */
    static final int MAX_BODY = 1 << 20;
    /**
     * Plaintext bytes per chunk of an encrypted journal. Small, because each flush (every recorder tick, 250 ms)
     * seals the chunk being filled again: 4 KiB bounds that work and what a torn chunk loses.
     */
    static final int SEALED_CHUNK = 4096;

    private Journal() {
    }

    /**
     * Bytes buffered before a write. A writer lives only while a worker copies records out of a journal segment (or
     * a test builds a journal): a heap buffer, collected young, is enough.
     */
    static final int BUFFER_BYTES = 64 * 1024;

    /** Appends records into a buffer and writes it to the file in large writes; one thread uses it. */
    static final class Writer implements Closeable {
        private final WritableFile channel;
        private final RecordBuffer records;
        private boolean closed;

        Writer(Path file) throws IOException {
            this(file, AtRestKeys.none());
        }

        /** Encrypted under {@code keys}' current key, if it has one. */
        Writer(Path file, AtRestKeys keys) throws IOException {
            this.channel = AtRestFiles.create(file, keys, SEALED_CHUNK);
            this.records = new RecordBuffer(ByteBuffer.allocate(BUFFER_BYTES));
            records.buffer().put(MAGIC);
        }

        /** A packet: {@code entry} is one {@link PacketRing} entry's fields. */
        void packet(long arrivalMicros, int flags, int stream, ByteBuffer packet) throws IOException {
            records.begin(1 + 8 + 1 + 2 + packet.remaining(), channel);
            int p = packet.position();
            records.buffer().put(PACKET).putLong(arrivalMicros).put((byte) flags).putShort((short) stream).put(packet);
            packet.position(p);
            records.end();
        }

        void json(byte type, String json) throws IOException {
            byte[] text = json.getBytes(StandardCharsets.UTF_8);
            if (1 + text.length > MAX_BODY) {
                throw new IOException("journal record of " + (1 + text.length) + " bytes exceeds " + MAX_BODY);
            }
            record(type, ByteBuffer.wrap(text));
        }

        /** A record of {@code type} whose body after the type byte is {@code rest} (copied from a segment). */
        void record(byte type, ByteBuffer rest) throws IOException {
            int body = 1 + rest.remaining();
            if (!records.fits(body)) {
                records.writeTo(channel);
                ByteBuffer single = RecordBuffer.single(type, rest);
                while (single.hasRemaining()) {
                    channel.write(single);
                }
                return;
            }
            records.begin(body, channel);
            records.buffer().put(type).put(rest.duplicate());
            records.end();
        }

        /** Hands what is buffered to the operating system (survives a process crash, not a power loss). */
        void flush() throws IOException {
            records.writeTo(channel);
            channel.flush();
        }

        /** Flushes, then forces it to the disk (survives a power loss). */
        void sync() throws IOException {
            flush();
            channel.force();
        }

        /** Syncs and closes; idempotent. */
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

    /** Reads a plain journal; never throws on damaged content, only on I/O errors. */
    static ReadResult read(Path file, Visitor visitor) throws IOException {
        return read(file, AtRestKeys.none(), visitor);
    }

    /**
     * Reads a journal, plain or encrypted. Damaged content (a torn or altered record or chunk) ends reading there and
     * is reported in {@link ReadResult#tail()}; what throws is an I/O error, an encrypted journal whose key is not
     * among {@code keys}, or one whose header is damaged.
     */
    static ReadResult read(Path file, AtRestKeys keys, Visitor visitor) throws IOException {
        return readBodies(file, keys, MAGIC, "callrec journal", body -> {
            byte type = body.get();
            if (type == PACKET) {
                if (body.remaining() < 11) {
                    return "short packet record";
                }
                long arrival = body.getLong();
                int flags = body.get() & 0xff;
                int stream = body.getShort() & 0xffff;
                visitor.packet(arrival, flags, stream, body.slice());
            } else {
                visitor.json(type, StandardCharsets.UTF_8.decode(body).toString());
            }
            return null;
        });
    }

    /** Receives each record's body (its type byte first); returns null, or why the record is unusable. */
    interface BodySink {
        String body(ByteBuffer body) throws IOException;
    }

    /**
     * Reads the records of a file in this framing that starts with {@code magic}, plain or encrypted, and hands each
     * body to {@code sink}; damaged content ends reading there (reported in {@link ReadResult#tail()}).
     */
    static ReadResult readBodies(Path file, AtRestKeys keys, byte[] magic, String what, BodySink sink)
            throws IOException {
        long size = Files.size(file);
        PushbackInputStream raw = new PushbackInputStream(Files.newInputStream(file), 8);
        SealedInputStream sealed = null;
        InputStream source = raw;
        try {
            if (AtRestFiles.isSealed(peek(raw))) {
                sealed = SealedInputStream.recovering(raw, size, keys);
                source = sealed;
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
        }
        ReadResult result;
        try (InputStream in = new BufferedInputStream(source, 256 * 1024)) {
            result = readBodies(in, magic, what, sink);
        }
        if (sealed != null && sealed.damage() != null) {
            String damage = "encrypted journal: " + sealed.damage();
            return new ReadResult(result.records(), result.validBytes(),
                    result.tail() == null ? damage : result.tail() + " (" + damage + ")");
        }
        return result;
    }

    private static byte[] peek(PushbackInputStream in) throws IOException {
        byte[] start = in.readNBytes(8);
        in.unread(start);
        return start;
    }

    private static ReadResult readBodies(InputStream in, byte[] magic, String what, BodySink sink)
            throws IOException {
        byte[] start = in.readNBytes(magic.length);
        if (!Arrays.equals(start, magic)) {
            return new ReadResult(0, 0, "not a " + what + " (bad magic)");
        }
        long offset = magic.length;
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
            String unusable = sink.body(ByteBuffer.wrap(body, 0, length));
            if (unusable != null) {
                return new ReadResult(records, offset, unusable + " at byte " + offset);
            }
            records++;
            offset += 4 + length + 4;
        }
    }
}
