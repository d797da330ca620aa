package io.callrec.it.support;

/** The short pause between two looks at something an external process is about to do. */
final class Polling {

    static final long INTERVAL_MILLIS = 20;

    private Polling() {
    }

    static void pause() {
        try {
            Thread.sleep(INTERVAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
