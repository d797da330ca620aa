package io.callrec.atrest;

import java.io.IOException;

/**
 * An encrypted file that cannot be read as written: not in the format, cut short, or altered (a chunk that does not
 * authenticate). Never retried: the same bytes fail the same way.
 */
public class SealedFileException extends IOException {
    public SealedFileException(String message) {
        super(message);
    }

    public SealedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
