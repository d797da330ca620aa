package io.callrec.sip;

import io.callrec.media.MediaAnchor;
import io.callrec.media.relay.Side;
import io.callrec.record.MediaFork;
import io.callrec.record.RecordingSession;
import java.util.ArrayList;
import java.util.List;

import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * A call through the B2BUA: two legs and the media anchored between them. All mutable state is guarded by this
 * object's monitor; SIP events of one call may arrive on several stack threads.
 */
final class Call {
    enum State { SETUP, EARLY, ANSWERED, CONFIRMED, ENDED }

    final String id;
    final Instant started;
    final Leg a;
    final Leg b;
    State state = State.SETUP;
    MediaAnchor media;
    /** The recorder's tap on this call's media. */
    MediaFork fork;
    /** The call's recording control (consent, recordings, feature codes); set at setup. */
    io.callrec.control.CallControl control;
    CallRecordingPort port;
    /** Feature-code detectors per side (A, B), made on first use. */
    final io.callrec.control.FeatureCodeDetector[] detectors = new io.callrec.control.FeatureCodeDetector[2];
    /** {@code Callrec-Consent} of the callee's 2xx, when honoured. */
    String calleeConsent;
    /** The callee was reached as a registered (digest-authenticated) user. */
    boolean calleeAuthenticated;
    /**
     * Who the parties are, for consent and recording manifests: the caller's From URI (or what a trusted peer asserts),
     * the requested URI (or what the callee's 2xx asserts); updated when a transfer names a new party.
     */
    String callerIdentity;
    String calleeIdentity;
    /** What a trusted callee asserted in its 2xx ({@code P-Asserted-Identity}), until the call is confirmed. */
    PartyIdentity calleeAsserted;
    /** The recordings running on this call (each party may have one). */
    final List<RecordingSession> recordings = new ArrayList<>();
    /** The caller's INVITE (leg A) and ours toward the callee (leg B) while the call is being set up. */
    ServerTransaction inviteA;
    ClientTransaction inviteB;
    boolean callerRequires100rel;
    boolean provisionalFromB;
    boolean cancelled;
    String endReason;
    ScheduledFuture<?> setupTimer;
    ScheduledFuture<?> sessionTimer;
    long sessionExpiresSeconds;
    /** The caller asked for no session timer, so the server runs one on leg B itself. */
    boolean serverRefreshesB;
    boolean allowsUpdateB;
    ScheduledFuture<?> refreshTimer;

    Call(String id, Instant started, String tagA, String tagB) {
        this.id = id;
        this.started = started;
        this.a = new Leg(this, Side.A, tagA);
        this.b = new Leg(this, Side.B, tagB);
    }

    Leg leg(Side side) {
        return side == Side.A ? a : b;
    }

    boolean ended() {
        return state == State.ENDED;
    }

    /** For log lines: every call event names both Call-IDs so either side's trace can be found. */
    @Override
    public String toString() {
        return "call=" + id + " a=" + a.callId + " b=" + b.callId;
    }
}
