package io.callrec.atrest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;

/** A {@link WritableFile} without encryption: the file channel itself, which hands every write to the OS at once. */
final class PlainFile implements WritableFile {
    private final FileChannel channel;

    PlainFile(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new NonReadableChannelException();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public PlainFile position(long newPosition) throws IOException {
        channel.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public PlainFile truncate(long size) throws IOException {
        channel.truncate(size);
        return this;
    }

    @Override
    public void flush() {
        // every write already went to the OS
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
