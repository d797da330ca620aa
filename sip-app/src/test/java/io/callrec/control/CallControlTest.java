package io.callrec.control;

import static io.callrec.media.relay.Side.A;
import static io.callrec.media.relay.Side.B;
import static io.callrec.record.RecordingMode.BOTH;
import static io.callrec.record.RecordingMode.PEER;
import static io.callrec.record.RecordingSession.State.PAUSED;
import static io.callrec.record.RecordingSession.State.RECORDING;
import static io.callrec.record.RecordingSession.State.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.config.ConsentPolicy;
import io.callrec.control.ControlMessage.Allocate;
import io.callrec.control.ControlMessage.ConsentAsk;
import io.callrec.control.ControlMessage.ConsentOutcome;
import io.callrec.control.ControlMessage.ConsentRequest;
import io.callrec.control.ControlMessage.ConsentResponse;
import io.callrec.control.ControlMessage.ConsentWithdraw;
import io.callrec.control.ControlMessage.Pause;
import io.callrec.control.ControlMessage.RecordingError;
import io.callrec.control.ControlMessage.RecordingStarted;
import io.callrec.control.ControlMessage.RecordingState;
import io.callrec.control.ControlMessage.Resume;
import io.callrec.control.ControlMessage.StorageStatus;
import io.callrec.control.ControlMessage.Stop;
import io.callrec.control.FakePort.Sent;
import io.callrec.media.relay.Side;
import io.callrec.record.RecordingMode;
import io.callrec.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rule of spec §2 and §3 as a scenario, with a fake B2BUA and a clock moved by hand. */
class CallControlTest {
    private static final Party ALICE = new Party("a-1@192.0.2.1", "sip:alice@example.com", IdentitySource.FROM);
    private static final Party BOB = new Party("b-1@192.0.2.10", "sip:bob@example.com",
            IdentitySource.P_ASSERTED_IDENTITY);
    private static final Party CAROL = new Party("b-1@192.0.2.10", "sip:carol@example.com",
            IdentitySource.P_ASSERTED_IDENTITY);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final FakePort port = new FakePort();
    private CallControl control = control(ConsentPolicy.REQUIRED);

    private CallControl control(ConsentPolicy policy) {
        return control(ControlSettings.defaults(policy));
    }

    private CallControl control(ControlSettings settings) {
        return new CallControl(settings, port, clock, scheduler, ALICE, StorageAvailability.AVAILABLE);
    }

    /** Confirms the call and forgets the storage-status it sends. */
    private void confirm() {
        control.onCallConfirmed(BOB, null);
        port.takeSent();
    }

    /** Sends an INFO and returns its answer, checking that the answer is given before anything else is sent. */
    private InfoAnswer info(Side from, ControlMessage.ToServer m) {
        List<InfoAnswer> answers = new ArrayList<>();
        int before = port.sent.size();
        control.onInfo(from, m, a -> {
            assertEquals(before, port.sent.size(), "the answer goes out before the INFOs that follow from it");
            answers.add(a);
        });
        assertEquals(1, answers.size());
        return answers.get(0);
    }

    private void ok(Side from, ControlMessage.ToServer m) {
        assertEquals(InfoAnswer.OK, info(from, m), m.toString());
    }

    private String forbidden(Side from, ControlMessage.ToServer m) {
        InfoAnswer a = info(from, m);
        assertEquals(403, a.status(), m.toString());
        return a.warning();
    }

    private String lastConsentId(Side asked) {
        List<ConsentAsk> asks = port.infos(asked, ConsentAsk.class);
        return asks.get(asks.size() - 1).consentId();
    }

    /** A asks B for {@code mode} with start, B grants: A's recording runs. */
    private void recordingByAGranted(RecordingMode mode) {
        ok(A, new ConsentRequest(mode, "q1", true));
        ok(B, new ConsentResponse(lastConsentId(B), true));
    }

    private static Sent info(Side to, ControlMessage.ToUa m) {
        return new Sent(to, m, null);
    }

    private static Sent text(Side to, String t) {
        return new Sent(to, null, t);
    }

    private ConsentEntry lastLogged() {
        return port.logged.get(port.logged.size() - 1).entry();
    }

    // ------------------------------------------------------------------ consent and allocation

    @Test
    void consentRequestWithStartIsRelayedToThePeerAndStartsTheRecordingWhenGranted() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", true));
        List<Sent> asked = port.takeSent();
        assertEquals(1, asked.size());
        ConsentAsk ask = (ConsentAsk) asked.get(0).info();
        assertEquals(B, asked.get(0).to());
        assertEquals("sip:alice@example.com", ask.from());
        assertEquals(BOTH, ask.mode());
        assertTrue(ControlIds.isValid(ask.consentId()) && ask.consentId().length() >= 24, ask.consentId());
        assertTrue(control.awaitsConsentFrom(B));
        assertFalse(control.awaitsConsentFrom(A));

        clock.advance(Duration.ofSeconds(5));
        ok(B, new ConsentResponse(ask.consentId(), true));
        assertEquals(List.of(
                info(A, ConsentOutcome.granted("q1")),
                info(A, new RecordingStarted("r-1", BOTH, "q1")),
                info(A, new RecordingState("r-1", RECORDING, BOTH)),
                info(B, new RecordingState("r-1", RECORDING, BOTH))), port.takeSent());

        ConsentEntry e = lastLogged();
        assertEquals(List.of(e), port.started.get(0).consent(), "the recording's manifest gets the decision");
        assertEquals(new FakePort.Started("r-1", A, BOTH, List.of(e)), port.started.get(0));
        assertEquals(Instant.parse("2026-05-01T12:00:05Z"), e.time());
        assertEquals(ConsentDecision.GRANTED, e.result());
        assertEquals(ConsentChannel.INFO, e.channel());
        assertEquals(ALICE, e.requester());
        assertEquals(BOB, e.peer());
        assertEquals(A, e.requesterSide());
        assertEquals("q1", e.requestId());
        assertEquals(ask.consentId(), e.consentId());
        assertEquals("192.0.2.2:5060", e.source());
        assertEquals(new String(ControlCodec.serialize(ask), StandardCharsets.UTF_8), e.prompt());
        assertFalse(control.awaitsConsentFrom(B));
    }

    @Test
    void allocateWithoutGrantedConsentIs403AndRecordsNothing() {
        confirm();
        String w = forbidden(A, new Allocate(BOTH, "q1"));
        assertTrue(w.contains("consent"), w);
        ok(A, new ConsentRequest(BOTH, "q1", false));
        assertTrue(forbidden(A, new Allocate(BOTH, "q2")).contains("consent"), "still waiting for the answer");
        assertEquals(List.of(), port.started);
    }

    @Test
    void consentWithoutStartThenAllocate() {
        confirm();
        ok(A, new ConsentRequest(PEER, "q1", false));
        ok(B, new ConsentResponse(lastConsentId(B), true));
        assertEquals(List.of(), port.started, "no start without start:true");
        port.takeSent();
        ok(A, new Allocate(PEER, "q2"));
        assertEquals(List.of(
                info(A, new RecordingStarted("r-1", PEER, "q2")),
                info(A, new RecordingState("r-1", RECORDING, PEER)),
                info(B, new RecordingState("r-1", RECORDING, PEER))), port.takeSent());
    }

    @Test
    void consentForBothCoversPeerButNotTheOtherWayRound() {
        confirm();
        ok(A, new ConsentRequest(PEER, null, false));
        ok(B, new ConsentResponse(lastConsentId(B), true));
        assertTrue(forbidden(A, new Allocate(BOTH, null)).contains("mode both"));
        // Asking for both now asks the peer again.
        port.takeSent();
        ok(A, new ConsentRequest(BOTH, "wide", false));
        Sent ask = port.takeSent().get(0);
        assertEquals(B, ask.to());
        ok(B, new ConsentResponse(((ConsentAsk) ask.info()).consentId(), true));
        ok(A, new Allocate(PEER, null));
        assertEquals(PEER, port.started.get(0).mode());
        // A covered request is granted at once, without asking.
        port.takeSent();
        ok(A, new ConsentRequest(PEER, "again", false));
        assertEquals(List.of(info(A, ConsentOutcome.granted("again"))), port.takeSent());
    }

    @Test
    void declinedConsentTellsTheRequesterAndLeavesOnlyTheAuditEntry() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", true));
        ok(B, new ConsentResponse(lastConsentId(B), false));
        List<Sent> sent = port.takeSent();
        assertEquals(info(A, ConsentOutcome.refused("q1", ConsentReason.DECLINED)), sent.get(1));
        assertEquals(ErrorCode.CONSENT_DECLINED, ((RecordingError) sent.get(2).info()).code());
        assertEquals(3, sent.size());
        assertEquals(List.of(), port.started);
        assertEquals(ConsentDecision.DECLINED, lastLogged().result());
        assertTrue(forbidden(A, new Allocate(BOTH, null)).contains("consent"));
    }

    @Test
    void unansweredConsentTimesOutAfter30Seconds() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", true));
        String consentId = lastConsentId(B);
        port.takeSent();
        scheduler.advance(Duration.ofMillis(29_999));
        assertEquals(List.of(), port.sent);
        assertTrue(control.awaitsConsentFrom(B));
        scheduler.advance(Duration.ofMillis(1));
        List<Sent> sent = port.takeSent();
        assertEquals(info(A, ConsentOutcome.refused("q1", ConsentReason.TIMEOUT)), sent.get(0));
        assertEquals(ErrorCode.CONSENT_TIMEOUT, ((RecordingError) sent.get(1).info()).code());
        ConsentEntry e = lastLogged();
        assertEquals(ConsentDecision.TIMEOUT, e.result());
        assertEquals(ConsentChannel.INFO, e.channel());
        assertNull(e.source());
        assertEquals(Instant.parse("2026-05-01T12:00:30Z"), e.time());
        // A late answer is refused and records nothing.
        assertTrue(forbidden(B, new ConsentResponse(consentId, true)).contains("unknown or expired consentId"));
        assertEquals(List.of(), port.started);
    }

    @Test
    void theConsentTimeoutIsConfigurable() {
        control = control(ControlSettings.defaults(ConsentPolicy.REQUIRED).withConsentTimeout(Duration.ofSeconds(5)));
        confirm();
        ok(A, new ConsentRequest(PEER, null, false));
        scheduler.advance(Duration.ofSeconds(5));
        assertEquals(ConsentDecision.TIMEOUT, lastLogged().result());
    }

    @Test
    void consentResponsesAreAcceptedOnlyFromTheAskedPartyWithTheRightId() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", true));
        String consentId = lastConsentId(B);
        assertTrue(forbidden(A, new ConsentResponse(consentId, true)).contains("only from the asked party"));
        assertTrue(forbidden(B, new ConsentResponse("c-wrong", true)).contains("unknown or expired"));
        assertTrue(forbidden(A, new ConsentResponse("c-wrong", true)).contains("unknown or expired"));
        assertEquals(List.of(), port.started);
        assertEquals(List.of(), port.logged, "refused answers decide nothing");
        assertTrue(control.awaitsConsentFrom(B));
        ok(B, new ConsentResponse(consentId, true));
        assertEquals(1, port.started.size());
    }

    @Test
    void aSecondRequestWhileOneIsPendingIs403() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", true));
        assertTrue(forbidden(A, new ConsentRequest(PEER, "q2", true)).contains("already waiting"));
        assertEquals(1, port.infos(B, ConsentAsk.class).size());
    }

    @Test
    void allocateWhileStorageIsUnavailableIs200ThenAnErrorWithRetryAfter() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", false));
        ok(B, new ConsentResponse(lastConsentId(B), true));
        control.onStorageStatus(StorageAvailability.unavailable("bucket unreachable", Duration.ofSeconds(20)));
        port.takeSent();
        ok(A, new Allocate(BOTH, "q2"));
        assertEquals(List.of(info(A, new RecordingError(ErrorCode.STORAGE_UNAVAILABLE,
                "storage is unavailable: bucket unreachable", null, 20))), port.takeSent());
        assertEquals(List.of(), port.started);
        // Without a hint from storage, the configured default applies.
        control.onStorageStatus(new StorageAvailability(false, null, null));
        port.takeSent();
        ok(A, new Allocate(BOTH, "q3"));
        assertEquals(30, ((RecordingError) port.takeSent().get(0).info()).retryAfter());
        // Back: allocate works.
        control.onStorageStatus(StorageAvailability.AVAILABLE);
        ok(A, new Allocate(BOTH, "q4"));
        assertEquals(1, port.started.size());
    }

    @Test
    void aRecorderFailureAtStartIsARecordingErrorWithItsCode() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", false));
        ok(B, new ConsentResponse(lastConsentId(B), true));
        port.takeSent();
        port.failNext = new StartResult.Failed(ErrorCode.MEDIA_ENCRYPTED, "ZRTP media cannot be recorded", null);
        ok(A, new Allocate(BOTH, "q2"));
        assertEquals(List.of(info(A, new RecordingError(ErrorCode.MEDIA_ENCRYPTED, "ZRTP media cannot be recorded",
                null, null))), port.takeSent());
        port.failNext = new StartResult.Failed(ErrorCode.STORAGE_UNAVAILABLE, "no bucket", Duration.ofMillis(1500));
        ok(A, new Allocate(BOTH, "q3"));
        assertEquals(2, ((RecordingError) port.takeSent().get(0).info()).retryAfter(), "rounded up to seconds");
    }

    @Test
    void aRepeatedAllocateResendsTheSameRecordingStarted() {
        confirm();
        recordingByAGranted(BOTH);
        port.takeSent();
        ok(A, new Allocate(BOTH, "other"));
        ok(A, new Allocate(PEER, null));
        assertEquals(List.of(info(A, new RecordingStarted("r-1", BOTH, "q1")),
                info(A, new RecordingStarted("r-1", BOTH, "q1"))), port.takeSent());
        assertEquals(1, port.started.size());
    }

    @Test
    void bothPartiesMayRecordAtOnceEachWithItsOwnRecording() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "qa", true));
        ok(B, new ConsentRequest(PEER, "qb", true));
        String askedOfB = lastConsentId(B);
        String askedOfA = lastConsentId(A);
        // Each answers the question it was asked; crossing them is refused.
        assertTrue(forbidden(A, new ConsentResponse(askedOfB, true)).contains("only from the asked party"));
        ok(B, new ConsentResponse(askedOfB, true));
        ok(A, new ConsentResponse(askedOfA, true));
        assertEquals(List.of(new FakePort.Started("r-1", A, BOTH, List.of(port.logged.get(0).entry())),
                new FakePort.Started("r-2", B, PEER, List.of(port.logged.get(1).entry()))), port.started);
        assertEquals(List.of(new RecordingState("r-1", RECORDING, BOTH), new RecordingState("r-2", RECORDING, PEER)),
                port.infos(A, RecordingState.class));
        assertEquals(port.infos(A, RecordingState.class), port.infos(B, RecordingState.class));
        // Each stops its own; not the other's.
        assertTrue(forbidden(B, new Stop("r-1")).contains("belongs to the other party"));
        ok(B, new Stop(null));
        assertEquals(List.of("stop r-2"), port.actions);
    }

    // ------------------------------------------------------------------ stop, pause, resume

    @Test
    void pauseResumeStopWithAndWithoutRecordingIdAndStateToBothParties() {
        confirm();
        recordingByAGranted(BOTH);
        port.takeSent();
        ok(A, new Pause(null));
        ok(A, new Pause("r-1")); // already paused: nothing changes
        ok(A, new Resume("r-1"));
        ok(A, new Resume(null)); // already running
        ok(A, new Stop("r-1"));
        assertEquals(List.of("pause r-1", "resume r-1", "stop r-1"), port.actions);
        assertEquals(List.of(
                info(A, new RecordingState("r-1", PAUSED, BOTH)), info(B, new RecordingState("r-1", PAUSED, BOTH)),
                info(A, new RecordingState("r-1", RECORDING, BOTH)),
                info(B, new RecordingState("r-1", RECORDING, BOTH)),
                info(A, new RecordingState("r-1", STOPPED, BOTH)), info(B, new RecordingState("r-1", STOPPED, BOTH))),
                port.takeSent());
        // After the stop: a repeated stop is harmless; pausing is a mistake; a new allocate starts a new recording.
        ok(A, new Stop("r-1"));
        assertTrue(forbidden(A, new Pause("r-1")).contains("stopped"));
        assertTrue(forbidden(A, new Stop(null)).contains("no recording to stop"));
        ok(A, new Allocate(BOTH, "q9"));
        assertEquals("r-2", port.started.get(1).recordingId());
    }

    @Test
    void anotherPartysRecordingCannotBeControlled() {
        confirm();
        recordingByAGranted(PEER);
        assertTrue(forbidden(B, new Stop("r-1")).contains("belongs to the other party"));
        assertTrue(forbidden(B, new Pause("r-1")).contains("belongs to the other party"));
        assertTrue(forbidden(B, new Resume("r-1")).contains("belongs to the other party"));
        assertTrue(forbidden(B, new Stop(null)).contains("no recording to stop"));
        assertTrue(forbidden(A, new Stop("r-77")).contains("unknown recordingId 'r-77'"));
        assertEquals(List.of(), port.actions);
        ok(A, new Stop(null));
        assertTrue(forbidden(B, new Stop("r-1")).contains("belongs to the other party"), "also once stopped");
    }

    // ------------------------------------------------------------------ withdrawal and recordpref

    @Test
    void withdrawingConsentStopsTheRecordingThatNeededIt() {
        confirm();
        recordingByAGranted(BOTH);
        port.takeSent();
        clock.advance(Duration.ofSeconds(60));
        ok(B, new ConsentWithdraw());
        assertEquals(List.of("stop r-1"), port.actions);
        assertEquals(List.of(info(A, ConsentOutcome.refused("q1", ConsentReason.WITHDRAWN)),
                info(A, new RecordingState("r-1", STOPPED, BOTH)),
                info(B, new RecordingState("r-1", STOPPED, BOTH))), port.takeSent());
        FakePort.Logged logged = port.logged.get(port.logged.size() - 1);
        assertEquals(ConsentDecision.WITHDRAWN, logged.entry().result());
        assertEquals(List.of("r-1"), logged.recordingIds(), "the manifest of r-1 learns why it ended");
        assertTrue(forbidden(A, new Allocate(BOTH, null)).contains("consent"));
        // Withdrawing nothing is harmless.
        ok(B, new ConsentWithdraw());
        ok(A, new ConsentWithdraw());
        assertEquals(List.of(), port.takeSent());
    }

    @Test
    void recordprefOffInThePeersSdpIsADecline() {
        confirm();
        port.recordPrefOff.add(B);
        ok(A, new ConsentRequest(BOTH, "q1", true));
        assertEquals(List.of(), port.infos(B, ConsentAsk.class), "the peer is not asked");
        assertEquals(info(A, ConsentOutcome.refused("q1", ConsentReason.DECLINED)), port.sent.get(0));
        assertEquals(ConsentChannel.SDP, lastLogged().channel());
        assertEquals(ConsentDecision.DECLINED, lastLogged().result());
    }

    @Test
    void recordprefOffInAReInviteWithdrawsConsent() {
        confirm();
        recordingByAGranted(BOTH);
        control.onReInvite(B);
        assertEquals(List.of(), port.actions, "a re-INVITE alone changes nothing");
        port.recordPrefOff.add(B);
        control.onReInvite(B);
        assertEquals(List.of("stop r-1"), port.actions);
        assertEquals(ConsentChannel.SDP, lastLogged().channel());
        assertEquals(ConsentDecision.WITHDRAWN, lastLogged().result());
    }

    // ------------------------------------------------------------------ policy one-party

    @Test
    void withPolicyOnePartyTheRequestSuffices() {
        control = control(ConsentPolicy.ONE_PARTY);
        confirm();
        port.recordPrefOff.add(B); // a preference; the law of this deployment needs no consent
        ok(A, new Allocate(PEER, "q1"));
        assertEquals(1, port.started.size());
        ConsentEntry e = port.started.get(0).consent().get(0);
        assertEquals(ConsentChannel.POLICY, e.channel());
        assertEquals(ConsentDecision.GRANTED, e.result());
        assertEquals(e, lastLogged());
        ok(B, new ConsentRequest(BOTH, "qb", true));
        assertEquals(List.of(), port.infos(A, ConsentAsk.class), "nobody is asked");
        assertEquals(List.of(ConsentOutcome.granted("qb")), port.infos(B, ConsentOutcome.class));
        assertEquals(2, port.started.size());
        ok(A, new ConsentWithdraw());
        assertEquals(List.of(), port.actions, "nothing needed A's consent");
    }

    // ------------------------------------------------------------------ plain softphones

    @Test
    void plainPhonesRequestByDtmfAndAnswerByText() {
        port.callrec.clear();
        confirm();
        FeatureCodeDetector dtmfA = control.newDetector(A);
        FeatureCodeDetector dtmfB = control.newDetector(B);
        dtmfA.onInfoDigit('*');
        dtmfA.onInfoDigit('*');
        dtmfA.onInfoDigit('1');
        assertEquals(List.of(text(B, "alice@example.com asks to record this call. Reply YES or NO, or press 1 or 2.")),
                port.takeSent());
        // Only B's answers count; chatter is relayed; is-composing is swallowed.
        assertFalse(control.onPeerMessage(A, "text/plain", "yes".getBytes(StandardCharsets.UTF_8)));
        assertFalse(control.onPeerMessage(B, "text/plain", "who is this?".getBytes(StandardCharsets.UTF_8)));
        assertTrue(control.onPeerMessage(B, "application/im-iscomposing+xml", "<isComposing/>".getBytes(
                StandardCharsets.UTF_8)));
        assertTrue(control.awaitsConsentFrom(B));
        dtmfB.onInfoDigit('3'); // not an answer
        assertTrue(control.onPeerMessage(B, "text/plain", " Yes ".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(
                text(A, "Consent to record granted."),
                text(A, "Recording started (both parties). Press **4 to pause, **5 to resume, **2 to stop."),
                text(A, "This call is being recorded (both parties)."),
                text(B, "This call is being recorded (both parties).")), port.takeSent());
        ConsentEntry e = port.started.get(0).consent().get(0);
        assertEquals(ConsentChannel.MESSAGE, e.channel());
        assertEquals("alice@example.com asks to record this call. Reply YES or NO, or press 1 or 2.", e.prompt());
        assertNull(e.requestId());
        // Outside the window, text is relayed as usual.
        assertFalse(control.onPeerMessage(B, "text/plain", "no".getBytes(StandardCharsets.UTF_8)));
        assertFalse(control.onPeerAnswerText(B, "no"));

        dtmfA.onInfoDigit('*');
        dtmfA.onInfoDigit('*');
        dtmfA.onInfoDigit('4');
        assertEquals(List.of("pause r-1"), port.actions);
        assertEquals(List.of(text(A, "Recording paused."), text(B, "Recording paused.")), port.takeSent());
        // B withdraws with **0.
        dtmfB.onInfoDigit('*');
        dtmfB.onInfoDigit('*');
        dtmfB.onInfoDigit('0');
        assertEquals(List.of("pause r-1", "stop r-1"), port.actions);
        assertEquals(ConsentChannel.DTMF, lastLogged().channel());
        assertEquals("media:192.0.2.2:5060", lastLogged().source());
        assertEquals(List.of(text(A, "Consent to record withdrawn."), text(A, "Recording stopped."),
                text(B, "Recording stopped.")), port.takeSent());
    }

    @Test
    void consentDigitsFromThePeersMediaDuringTheWindow() {
        port.callrec.remove(B);
        confirm();
        FeatureCodeDetector dtmfB = control.newDetector(B);
        dtmfB.onTelephoneEvent(1, 1000); // outside the window: an ordinary digit
        clock.advance(Duration.ofSeconds(4));
        control.onFeatureCode(A, FeatureCode.RECORD_PEER);
        dtmfB.onTelephoneEvent(2, 9000);
        dtmfB.onTelephoneEvent(2, 9000);
        assertEquals(ConsentDecision.DECLINED, lastLogged().result());
        assertEquals(ConsentChannel.DTMF, lastLogged().channel());
        assertEquals(List.of(), port.started);
        // A is callrec-aware: the outcome and the failed start come as INFO.
        assertEquals(ConsentOutcome.refused(null, ConsentReason.DECLINED), port.infos(A, ConsentOutcome.class).get(0));
        assertEquals(ErrorCode.CONSENT_DECLINED, port.infos(A, RecordingError.class).get(0).code());
        clock.advance(Duration.ofSeconds(4));
        control.onFeatureCode(A, FeatureCode.RECORD_PEER);
        dtmfB.onTelephoneEvent(1, 20000);
        assertEquals(PEER, port.started.get(0).mode());
    }

    @Test
    void featureCodesThatCannotBeCarriedOutAreExplainedInText() {
        confirm();
        control.onFeatureCode(A, FeatureCode.STOP);
        control.onFeatureCode(A, FeatureCode.RECORD_BOTH);
        port.takeSent();
        control.onFeatureCode(A, FeatureCode.RECORD_BOTH);
        control.onFeatureCode(A, FeatureCode.RESUME);
        assertEquals(List.of(
                text(A, "Not done: a consent request to the other party is already waiting for its answer."),
                text(A, "Not done: you have no recording to resume.")), port.takeSent());
    }

    @Test
    void aUaThatRefusesOurInfoGetsTextFromThenOn() {
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", true));
        ConsentAsk ask = port.infos(B, ConsentAsk.class).get(0);
        port.takeSent();
        control.onInfoRefused(B, ask);
        assertEquals(List.of(text(B, "alice@example.com asks to record this call. Reply YES or NO, or press 1 or 2.")),
                port.takeSent());
        assertTrue(control.onPeerAnswerText(B, "YES"));
        assertEquals(text(B, "This call is being recorded (both parties)."), port.sent.get(port.sent.size() - 1));
    }

    @Test
    void aPromptThatCannotBeDeliveredMeansConsentIsUnavailable() {
        port.callrec.remove(B);
        confirm();
        ok(A, new ConsentRequest(BOTH, "q1", true));
        port.takeSent();
        control.onPromptFailed(B);
        assertEquals(info(A, ConsentOutcome.refused("q1", ConsentReason.UNAVAILABLE)), port.sent.get(0));
        assertEquals(ConsentDecision.UNAVAILABLE, lastLogged().result());
        assertEquals(ConsentChannel.MESSAGE, lastLogged().channel());
        assertFalse(control.awaitsConsentFrom(B));
        assertEquals(0, scheduler.pending(), "the timeout is cancelled");
    }

    // ------------------------------------------------------------------ requests at call setup

    @Test
    void callrecRequestAtSetupRunsTheConsentFlowOnceTheCallIsConfirmed() {
        control.onSetupRequest("Both;by=pbx");
        control.onCallConfirmed(BOB, null);
        assertEquals(List.of(new StorageStatus(true, null)), port.infos(A, StorageStatus.class));
        ConsentAsk ask = port.infos(B, ConsentAsk.class).get(0);
        assertEquals(BOTH, ask.mode());
        ok(B, new ConsentResponse(ask.consentId(), true));
        assertEquals(new FakePort.Started("r-1", A, BOTH, List.of(lastLogged())), port.started.get(0));
        assertEquals(List.of(new RecordingStarted("r-1", BOTH, null)), port.infos(A, RecordingStarted.class));
    }

    @Test
    void calleeConsentInIts2xxMeansNobodyIsAsked() {
        control.onSetupRequest("peer");
        control.onCallConfirmed(BOB, "granted");
        assertEquals(List.of(), port.infos(B, ConsentAsk.class));
        assertEquals(PEER, port.started.get(0).mode());
        ConsentEntry e = port.started.get(0).consent().get(0);
        assertEquals(ConsentChannel.HEADER, e.channel());
        assertEquals(BOTH, e.mode(), "Callrec-Consent grants everything");
        assertEquals("192.0.2.2:5060", e.source());
        // The grant also serves later requests of the caller.
        ok(A, new Stop(null));
        ok(A, new Allocate(BOTH, null));
        assertEquals(2, port.started.size());
    }

    @Test
    void anUnderstoodCallrecRequestValueIsABadRequestAndTheCallGoesOn() {
        control.onSetupRequest("everything");
        control.onCallConfirmed(BOB, null);
        RecordingError e = port.infos(A, RecordingError.class).get(0);
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.message().contains("'everything'"), e.message());
        assertEquals(List.of(), port.started);
        assertEquals(List.of(), port.infos(B, ConsentAsk.class));
    }

    @Test
    void callrecRequestUnderPolicyOnePartyStartsAtConfirmation() {
        control = control(ConsentPolicy.ONE_PARTY);
        control.onSetupRequest("both");
        control.onCallConfirmed(BOB, null);
        assertEquals(1, port.started.size());
        assertEquals(ConsentChannel.POLICY, port.started.get(0).consent().get(0).channel());
    }

    /**
     * Spec §2: storage down never refuses the call. A request at setup is then answered with storage-unavailable
     * (after the storage-status that already said so and, under one-party, the policy's grant), nothing starts, and
     * both parties knew storage was down.
     */
    @Test
    void callrecRequestWhileStorageIsDownTellsTheCallerAndTheCallGoesOnUnrecorded() {
        StorageAvailability down = StorageAvailability.unavailable("bucket unreachable", Duration.ofSeconds(20));
        RecordingError told = new RecordingError(ErrorCode.STORAGE_UNAVAILABLE,
                "storage is unavailable: bucket unreachable", null, 20);
        control = new CallControl(ControlSettings.defaults(ConsentPolicy.ONE_PARTY), port, clock, scheduler, ALICE,
                down);
        control.onSetupRequest("both");
        control.onCallConfirmed(BOB, null);
        assertEquals(List.of(info(A, new StorageStatus(false, "bucket unreachable")),
                        info(A, ConsentOutcome.granted(null)), info(A, told)),
                port.sent.stream().filter(m -> m.to() == A).toList());
        assertEquals(List.of(new StorageStatus(false, "bucket unreachable")), port.infos(B, StorageStatus.class));
        assertEquals(List.of(), port.started);

        // Consent required: the callee is asked as usual; its grant cannot start anything either.
        port.takeSent();
        control = new CallControl(ControlSettings.defaults(ConsentPolicy.REQUIRED), port, clock, scheduler, ALICE,
                down);
        control.onSetupRequest("peer");
        control.onCallConfirmed(BOB, null);
        ok(B, new ConsentResponse(lastConsentId(B), true));
        assertEquals(List.of(told), port.infos(A, RecordingError.class));
        assertEquals(List.of(), port.started);
        assertFalse(control.awaitsConsentFrom(B));
    }

    // ------------------------------------------------------------------ storage-status

    @Test
    void storageStatusAfterConfirmationThenAtMostEvery10sPerSideLatestWins() {
        port.callrec.remove(B);
        control.onStorageStatus(StorageAvailability.unavailable("down", null));
        assertEquals(List.of(), port.sent, "nothing before the dialog is confirmed");
        control.onStorageStatus(StorageAvailability.AVAILABLE);
        control.onCallConfirmed(BOB, null);
        assertEquals(List.of(info(A, new StorageStatus(true, null))), port.takeSent(), "plain B gets no text");

        scheduler.advance(Duration.ofSeconds(2));
        control.onStorageStatus(StorageAvailability.unavailable("down", null));
        scheduler.advance(Duration.ofSeconds(3));
        control.onStorageStatus(StorageAvailability.AVAILABLE);
        scheduler.advance(Duration.ofSeconds(2));
        control.onStorageStatus(StorageAvailability.unavailable("bucket gone", null));
        scheduler.advance(Duration.ofMillis(2999));
        assertEquals(List.of(), port.sent);
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(List.of(info(A, new StorageStatus(false, "bucket gone"))), port.takeSent());

        // A flip and a flip back within the interval send nothing.
        scheduler.advance(Duration.ofSeconds(1));
        control.onStorageStatus(StorageAvailability.AVAILABLE);
        control.onStorageStatus(StorageAvailability.unavailable("bucket gone", null));
        scheduler.advance(Duration.ofSeconds(30));
        assertEquals(List.of(), port.sent);
        // Long after the last one: at once.
        control.onStorageStatus(StorageAvailability.AVAILABLE);
        assertEquals(List.of(info(A, new StorageStatus(true, null))), port.takeSent());
    }

    @Test
    void aSideThatDeclaresCallrecLaterGetsStorageStatusAfterItsReInvite() {
        port.callrec.remove(B);
        confirm();
        port.callrec.add(B);
        control.onReInvite(B);
        assertEquals(List.of(info(B, new StorageStatus(true, null))), port.takeSent());
    }

    // ------------------------------------------------------------------ transfer, failures, the end

    @Test
    void aTransferPausesTheRecordingAndAsksTheNewParty() {
        confirm();
        recordingByAGranted(BOTH);
        port.takeSent();
        control.onPartyChanged(B, CAROL);
        assertEquals(List.of("pause r-1"), port.actions);
        List<Sent> sent = port.takeSent();
        assertEquals(info(A, new RecordingState("r-1", PAUSED, BOTH)), sent.get(0));
        assertEquals(info(B, new RecordingState("r-1", PAUSED, BOTH)), sent.get(1));
        ConsentAsk ask = (ConsentAsk) sent.get(2).info();
        assertEquals(B, sent.get(2).to());
        assertTrue(forbidden(A, new Resume(null)).contains("waits for the new party's consent"));
        ok(B, new ConsentResponse(ask.consentId(), true));
        assertEquals(List.of("pause r-1", "resume r-1"), port.actions);
        FakePort.Logged logged = port.logged.get(port.logged.size() - 1);
        assertEquals(CAROL, logged.entry().peer());
        assertEquals(List.of("r-1"), logged.recordingIds());
        assertEquals(new RecordingState("r-1", RECORDING, BOTH),
                port.infos(B, RecordingState.class).get(port.infos(B, RecordingState.class).size() - 1));
    }

    @Test
    void aTransferWhoseNewPartyDeclinesStopsTheRecording() {
        confirm();
        recordingByAGranted(PEER);
        control.onPartyChanged(B, CAROL);
        port.takeSent();
        scheduler.advance(Duration.ofSeconds(30));
        assertEquals(List.of("pause r-1", "stop r-1"), port.actions);
        List<Sent> sent = port.takeSent();
        assertEquals(info(A, ConsentOutcome.refused("q1", ConsentReason.TIMEOUT)), sent.get(0));
        assertEquals(info(A, new RecordingError(ErrorCode.CONSENT_TIMEOUT,
                "the other party's consent was not given in time", "r-1", null)), sent.get(1));
        assertEquals(info(A, new RecordingState("r-1", STOPPED, PEER)), sent.get(2));
    }

    @Test
    void whenTheRequesterIsReplacedItsRecordingStops() {
        confirm();
        recordingByAGranted(BOTH);
        control.onPartyChanged(A, new Party("a-2@x", "sip:dave@example.com", IdentitySource.FROM));
        assertEquals(List.of("stop r-1"), port.actions);
    }

    @Test
    void aFailedRecordingIsReportedToItsRequesterAndEndsForBoth() {
        confirm();
        recordingByAGranted(BOTH);
        port.takeSent();
        control.onRecordingFailed("r-1", ErrorCode.STORAGE_LOST, "upload failed");
        assertEquals(List.of(info(A, new RecordingError(ErrorCode.STORAGE_LOST, "upload failed", "r-1", null)),
                info(A, new RecordingState("r-1", STOPPED, BOTH)), info(B, new RecordingState("r-1", STOPPED, BOTH))),
                port.takeSent());
        ok(A, new Allocate(BOTH, null));
        assertEquals("r-2", port.started.get(1).recordingId());
    }

    @Test
    void theEndOfTheCallStopsRecordingsAndSilencesEverything() {
        confirm();
        recordingByAGranted(BOTH);
        ok(B, new ConsentRequest(BOTH, null, true)); // a question to A, pending
        port.takeSent();
        control.onCallEnded("BYE from A");
        assertEquals(List.of("stop r-1"), port.actions);
        assertEquals(0, scheduler.pending());
        assertTrue(forbidden(A, new Stop(null)).contains("ended"));
        control.onStorageStatus(StorageAvailability.unavailable("x", null));
        control.onFeatureCode(A, FeatureCode.RECORD_BOTH);
        assertFalse(control.onPeerMessage(A, "text/plain", "yes".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), port.sent);
    }

    @Test
    void infosBeforeTheCallIsConfirmedAre403() {
        assertTrue(forbidden(A, new ConsentRequest(BOTH, null, true)).contains("not established"));
        assertEquals(List.of(), port.sent);
    }

    @Test
    void infoBodiesAreParsedThenHandled() {
        confirm();
        List<InfoAnswer> answers = new ArrayList<>();
        control.onInfoBody(A, "{\"type\":\"allocate\"}".getBytes(StandardCharsets.UTF_8),
                ControlCodec.CONTENT_TYPE, answers::add);
        control.onInfoBody(A, "{}".getBytes(StandardCharsets.UTF_8), "application/json", answers::add);
        control.onInfoBody(A, "{\"type\":\"allocate\",\"mode\":\"both\"}".getBytes(StandardCharsets.UTF_8),
                ControlCodec.CONTENT_TYPE, answers::add);
        control.onInfoBody(A, "{\"type\":\"consent-request\",\"mode\":\"both\"}".getBytes(StandardCharsets.UTF_8),
                ControlCodec.CONTENT_TYPE, answers::add);
        assertEquals(List.of(400, 415, 403, 200), answers.stream().map(InfoAnswer::status).toList());
        assertEquals("399 callrec \"missing field 'mode'\"", answers.get(0).warningHeader());
    }
}
