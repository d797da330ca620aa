package io.callrec.rendition;

/**
 * ffmpeg could not be run, failed, or ran out of time. The message is for the log: it names the purpose and ends
 * with what ffmpeg printed (paths included). {@link #summary()} is for people who hold a link: what went wrong,
 * never where.
 */
public final class FfmpegException extends Exception {
    private final String summary;

    public FfmpegException(String summary, String detail) {
        super(summary + (detail.isEmpty() ? "" : "; " + detail));
        this.summary = summary;
    }

    public FfmpegException(String summary, String detail, Throwable cause) {
        super(summary + (detail.isEmpty() ? "" : "; " + detail), cause);
        this.summary = summary;
    }

    /** E.g. {@code ffmpeg exited with 1}: no path, no output. */
    public String summary() {
        return summary;
    }
}
