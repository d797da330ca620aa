package io.callrec.record;

/** A recording could not be started; {@link #code()} is the spec's recording-error code. */
public final class RecorderException extends Exception {
    private final String code;

    public RecorderException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
