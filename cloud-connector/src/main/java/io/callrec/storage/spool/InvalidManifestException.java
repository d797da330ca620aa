package io.callrec.storage.spool;

/** A spooled {@code manifest.json} that cannot be read as one: the recording is set aside, never guessed at. */
public final class InvalidManifestException extends Exception {
    public InvalidManifestException(String message) {
        super(message);
    }

    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
