package io.callrec.atrest;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * A file being written, in plain or encrypted ({@link AtRestFiles#create}). Positions and sizes are plaintext
 * ones either way, so a writer that seeks back to patch what it wrote (Matroska sizes) works unchanged. Not
 * readable; one writer thread at a time.
 */
public interface WritableFile extends SeekableByteChannel {
    /**
     * Hands everything written so far to the operating system, so that a crash of the process loses none of it.
     * An encrypted file seals its partly filled last chunk for this (and seals it again, under a new nonce, at the
     * next flush once more was written).
     */
    void flush() throws IOException;

    /** {@link #flush()}, then forces the file to the disk (survives a power loss). */
    void force() throws IOException;
}
