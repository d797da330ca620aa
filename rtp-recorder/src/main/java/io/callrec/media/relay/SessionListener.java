package io.callrec.media.relay;

import java.time.Duration;

/** Events of a {@link RelaySession} that its owner (the B2BUA) acts on. */
public interface SessionListener {
    /**
     * No packet in either direction of any stream for the session's timeout. Called once, off the relay threads.
     * It is called again only if packets flowed in between and then stopped again.
     * Runs on the sweeper thread: keep it short (e.g. hand the call teardown to the call's own executor).
     */
    void onInactive(RelaySession session, Duration idle);
}
