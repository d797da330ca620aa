package io.callrec.control;

import java.util.Objects;

/** What {@link ControlCodec} made of an INFO body: a message, or the reason to refuse it. */
public sealed interface ParseResult permits ParseResult.Parsed, ParseResult.Rejection {

    /** A well-formed message. */
    record Parsed(ControlMessage message) implements ParseResult {
        public Parsed {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The body is refused: 400 (not JSON, unknown type, missing or invalid field) or 415 (another content type).
     *
     * @param warning the text for the {@code Warning} header
     */
    record Rejection(int status, String warning) implements ParseResult {
        public Rejection {
            if (status != 400 && status != 415) {
                throw new IllegalArgumentException("a body is refused with 400 or 415, not " + status);
            }
            Objects.requireNonNull(warning, "warning");
        }

        /** The same refusal as the answer to the INFO. */
        public InfoAnswer answer() {
            return new InfoAnswer(status, warning);
        }
    }
}
