package io.callrec.atrest;

/** An encrypted file names a key id that none of the configured keys has. The message names the ids. */
public final class UnknownKeyException extends SealedFileException {
    public UnknownKeyException(String message) {
        super(message);
    }
}
