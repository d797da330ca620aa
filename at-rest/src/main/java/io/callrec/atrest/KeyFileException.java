package io.callrec.atrest;

import java.io.IOException;

/** A key file that cannot be used: missing, open to others, or not holding a 32-byte key. Names the file. */
public final class KeyFileException extends IOException {
    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
