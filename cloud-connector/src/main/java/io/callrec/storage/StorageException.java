package io.callrec.storage;

/** A storage operation failed; {@link #retryable()} says whether trying again later may succeed. */
public class StorageException extends Exception {
    private final boolean retryable;

    public StorageException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public StorageException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
