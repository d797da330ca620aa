package io.callrec.storage;

/**
 * The local file does not have the size or SHA-256 that its manifest promises. Retrying cannot help: the file
 * itself is wrong, so the recording is set aside for a person to look at, never deleted.
 */
public final class ContentMismatchException extends StorageException {
    public ContentMismatchException(String message) {
        super(message, false);
    }
}
