package io.callrec.control;

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
import io.callrec.control.ControlMessage.Stop;
import io.callrec.control.ParseResult.Parsed;
import io.callrec.control.ParseResult.Rejection;
import io.callrec.media.relay.Side;
import io.callrec.record.RecordingMode;
import io.callrec.record.RecordingSession;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The recording control of one call (spec §2, §3): consent, recordings of each party, their states, and what each
 * party is told. Plain Java: the B2BUA feeds it SIP and DTMF events and carries out its decisions through a
 * {@link ControlPort}.
 *
 * <p>Thread-confined: every input, and every task it gives the {@link TaskScheduler}, must run under the call's
 * lock. Messages to the parties are queued while an input is handled and sent when it ends; for an INFO the answer
 * is given first, so a UA always sees the 200 of its request before the INFOs that follow from it.
 *
 * <p>Rules in short: with policy {@code required} a party records only with the other party's consent, given for
 * that call and that identity ({@code both} covers {@code peer}); with {@code one-party} its own request suffices.
 * Each party has at most one recording at a time; both may record at once.
 */
public final class CallControl {
    private final ControlSettings settings;
    private final ControlPort port;
    private final Clock clock;
    private final TaskScheduler scheduler;

    private final Map<Side, Party> parties = new EnumMap<>(Side.class);
    /** Consent given by the party on a side, to the party on the other side. */
    private final Map<Side, Grant> grants = new EnumMap<>(Side.class);
    /** A consent question waiting for the party on a side. */
    private final Map<Side, PendingConsent> pending = new EnumMap<>(Side.class);
    /** The running (or paused) recording requested by the party on a side. */
    private final Map<Side, Recording> recordings = new EnumMap<>(Side.class);
    /** Ids of recordings the party on a side had, now stopped: a late stop for them is not an error. */
    private final Map<Side, Set<String>> stoppedIds = new EnumMap<>(Side.class);
    private final Map<Side, StorageStatusSender> storageSenders = new EnumMap<>(Side.class);
    /** Sides that refused one of our INFOs: they get text from then on. */
    private final Set<Side> textOnly = new HashSet<>();
    private final ArrayDeque<Runnable> outbox = new ArrayDeque<>();

    private StorageAvailability storage;
    private String setupRequest;
    private boolean confirmed;
    private boolean ended;

    /**
     * @param caller  the party on leg A, as the caller's INVITE names it
     * @param storage whether storage is available as the call starts
     */
    public CallControl(ControlSettings settings, ControlPort port, Clock clock, TaskScheduler scheduler,
                       Party caller, StorageAvailability storage) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.port = Objects.requireNonNull(port, "port");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.storage = Objects.requireNonNull(storage, "storage");
        parties.put(Side.A, Objects.requireNonNull(caller, "caller"));
        for (Side s : Side.values()) {
            stoppedIds.put(s, new HashSet<>());
            storageSenders.put(s, new StorageStatusSender(settings.storageStatusInterval(), clock, this::schedule,
                    () -> this.storage.message(), m -> outbox.add(() -> port.sendInfo(s, m))));
        }
    }

    // ------------------------------------------------------------------ inputs: call lifecycle

    /**
     * The caller's INVITE carried {@code Callrec-Request} and came from an authenticated user or trusted peer (the
     * B2BUA checks that, and strips the header). Acted on when the call is confirmed.
     */
    public void onSetupRequest(String headerValue) {
        setupRequest = Objects.requireNonNull(headerValue, "headerValue");
    }

    /**
     * The call is established (the ACK of the 2xx arrived).
     *
     * @param callee        the party on leg B
     * @param calleeConsent the {@code Callrec-Consent} value of the 2xx that confirmed the dialog, if honoured;
     *                      else null
     */
    public void onCallConfirmed(Party callee, String calleeConsent) {
        Objects.requireNonNull(callee, "callee");
        if (confirmed || ended) {
            return;
        }
        confirmed = true;
        parties.put(Side.B, callee);
        if (calleeConsent != null && headerToken(calleeConsent).equals("granted")) {
            ConsentEntry e = entry(Side.A, ConsentChannel.HEADER, null, port.sourceAddress(Side.B,
                    ConsentChannel.HEADER), null, null, RecordingMode.BOTH, ConsentDecision.GRANTED);
            grants.put(Side.B, new Grant(RecordingMode.BOTH, e));
            port.consentLog(e, List.of());
        }
        for (Side s : Side.values()) {
            tellStorage(s);
        }
        if (setupRequest != null) {
            String value = headerToken(setupRequest);
            if (value.equals("both") || value.equals("peer")) {
                requestConsent(Side.A, RecordingMode.fromWireName(value), null, true);
            } else {
                send(Side.A, new RecordingError(ErrorCode.BAD_REQUEST, "Callrec-Request "
                        + SipWarning.quote(setupRequest) + " is not understood (expected both or peer)", null, null));
            }
            setupRequest = null;
        }
        flush();
    }

    /**
     * A re-INVITE or UPDATE from {@code from} was accepted (recordings go on). Its SDP may now carry
     * {@code a=recordpref:off}, which takes back consent; its {@code Recv-Info} may now declare callrec.
     */
    public void onReInvite(Side from) {
        if (!confirmed || ended) {
            return;
        }
        if (settings.policy() == ConsentPolicy.REQUIRED && port.recordPrefOff(from)) {
            if (pending.containsKey(from)) {
                decide(from, ConsentDecision.DECLINED, ConsentChannel.SDP);
            }
            withdraw(from, ConsentChannel.SDP);
        }
        for (Side s : Side.values()) {
            tellStorage(s);
        }
        flush();
    }

    /**
     * The party on {@code side} changed (transfer: REFER and an INVITE with {@code Replaces}, or a new
     * {@code P-Asserted-Identity} from a trusted peer). Consent was bound to the old party: the other party's
     * recording is paused and the new party is asked. The leaving party's own recording stops.
     */
    public void onPartyChanged(Side side, Party newParty) {
        Objects.requireNonNull(newParty, "newParty");
        if (!confirmed || ended) {
            return;
        }
        parties.put(side, newParty);
        grants.remove(side);
        PendingConsent askedOld = pending.remove(side);
        if (askedOld != null) {
            askedOld.timeout.cancel();
        }
        PendingConsent askedByOld = pending.remove(side.other());
        if (askedByOld != null) {
            askedByOld.timeout.cancel(); // the asker left: the question is moot
        }
        Recording leaving = recordings.get(side);
        if (leaving != null) {
            stop(leaving);
        }
        Recording staying = recordings.get(side.other());
        if (staying != null && settings.policy() == ConsentPolicy.REQUIRED) {
            staying.pausedForConsent = true;
            if (!staying.pausedByUser) {
                port.pauseRecording(staying.id);
                stateToBoth(staying);
            }
            askOrDecline(side.other(), staying.mode, staying.requestId, false, staying);
        } else if (staying != null) {
            stateToBoth(staying); // policy one-party: it goes on, and the new party must know
        } else if (askedOld != null) {
            askOrDecline(askedOld.requester, askedOld.mode, askedOld.requestId, askedOld.start, null);
        }
        flush();
    }

    /** The call ended (BYE, failure): running recordings stop; nothing is sent any more. */
    public void onCallEnded(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        outbox.clear();
        pending.values().forEach(p -> p.timeout.cancel());
        pending.clear();
        storageSenders.values().forEach(StorageStatusSender::cancel);
        for (Recording r : List.copyOf(recordings.values())) {
            port.stopRecording(r.id);
        }
        recordings.clear();
    }

    // ------------------------------------------------------------------ inputs: the callrec info package

    /**
     * A callrec INFO body from {@code from}: parsed, then handled as {@link #onInfo}. A body that does not parse
     * gets its 400/415 and changes nothing.
     */
    public void onInfoBody(Side from, byte[] body, String contentType, Consumer<InfoAnswer> answer) {
        ParseResult r = ControlCodec.parse(body, contentType);
        if (r instanceof Rejection rejection) {
            answer.accept(rejection.answer());
        } else if (((Parsed) r).message() instanceof ControlMessage.ToServer m) {
            onInfo(from, m, answer);
        }
    }

    /**
     * A callrec INFO from {@code from}. {@code answer} receives the immediate answer (200 or 403 with a warning)
     * and must send it; the INFOs and MESSAGEs that follow from the request are sent after it returns.
     */
    public void onInfo(Side from, ControlMessage.ToServer message, Consumer<InfoAnswer> answer) {
        InfoAnswer a;
        if (ended) {
            a = InfoAnswer.forbidden("the call has ended");
        } else if (!confirmed) {
            a = InfoAnswer.forbidden("the call is not established yet");
        } else {
            a = handle(from, message);
        }
        try {
            answer.accept(a);
        } finally {
            flush();
        }
    }

    private InfoAnswer handle(Side from, ControlMessage.ToServer message) {
        if (message instanceof ConsentRequest m) {
            return requestConsent(from, m.mode(), m.requestId(), m.start());
        }
        if (message instanceof ConsentResponse m) {
            return consentResponse(from, m);
        }
        if (message instanceof ConsentWithdraw) {
            if (pending.containsKey(from)) {
                decide(from, ConsentDecision.DECLINED, ConsentChannel.INFO);
            }
            withdraw(from, ConsentChannel.INFO);
            return InfoAnswer.OK;
        }
        if (message instanceof Allocate m) {
            return allocateRequest(from, m.mode(), m.requestId());
        }
        if (message instanceof Stop m) {
            return stopRequest(from, m.recordingId());
        }
        if (message instanceof Pause m) {
            return pauseRequest(from, m.recordingId());
        }
        Resume m = (Resume) message;
        return resumeRequest(from, m.recordingId());
    }

    /** A callrec INFO we sent to {@code side} was refused (415, 469): from now on it gets text, this one too. */
    public void onInfoRefused(Side side, ControlMessage.ToUa message) {
        if (ended) {
            return;
        }
        textOnly.add(side);
        settings.texts().render(message).ifPresent(t -> outbox.add(() -> port.sendText(side, t)));
        flush();
    }

    /** The consent question to the party on {@code side} could not be delivered: it counts as unavailable. */
    public void onPromptFailed(Side side) {
        if (!ended && pending.containsKey(side)) {
            decide(side, ConsentDecision.UNAVAILABLE, pending.get(side).channel);
            flush();
        }
    }

    // ------------------------------------------------------------------ inputs: plain softphones

    /** A feature code typed on {@code from}'s leg ({@link FeatureCodeDetector}). */
    public void onFeatureCode(Side from, FeatureCode code) {
        if (!confirmed || ended) {
            return;
        }
        InfoAnswer a = switch (code) {
            case RECORD_BOTH, RECORD_PEER -> requestConsent(from, code.mode(), null, true);
            case STOP -> stopRequest(from, null);
            case PAUSE -> pauseRequest(from, null);
            case RESUME -> resumeRequest(from, null);
            case WITHDRAW -> {
                if (pending.containsKey(from)) {
                    decide(from, ConsentDecision.DECLINED, ConsentChannel.DTMF);
                }
                withdraw(from, ConsentChannel.DTMF);
                yield InfoAnswer.OK;
            }
        };
        if (a.status() != 200) {
            // A person pressed keys: tell them in words, whatever their UA supports.
            String text = settings.texts().refused(a.warning());
            outbox.add(() -> port.sendText(from, text));
        }
        flush();
    }

    /** A consent digit ({@code 1} grant, {@code 2} decline) from {@code from}'s leg during its consent window. */
    public void onPeerDigit(Side from, char digit) {
        if (ended || !pending.containsKey(from) || (digit != '1' && digit != '2')) {
            return;
        }
        decide(from, digit == '1' ? ConsentDecision.GRANTED : ConsentDecision.DECLINED, ConsentChannel.DTMF);
        flush();
    }

    /**
     * An in-dialog MESSAGE from {@code from}. During that party's consent window a yes/no text is its answer and
     * is-composing/IMDN bodies are dropped.
     *
     * @return true if the MESSAGE was consumed (answer 200, do not relay); false to relay it as usual
     */
    public boolean onPeerMessage(Side from, String contentType, byte[] body) {
        if (ended || !pending.containsKey(from)) {
            return false;
        }
        return onAnswer(from, settings.answers().parse(contentType, body));
    }

    /** As {@link #onPeerMessage} for a plain text already taken out of its body. */
    public boolean onPeerAnswerText(Side from, String text) {
        if (ended || !pending.containsKey(from)) {
            return false;
        }
        return onAnswer(from, settings.answers().parseText(text));
    }

    private boolean onAnswer(Side from, PeerAnswerParser.Answer answer) {
        switch (answer) {
            case YES -> decide(from, ConsentDecision.GRANTED, ConsentChannel.MESSAGE);
            case NO -> decide(from, ConsentDecision.DECLINED, ConsentChannel.MESSAGE);
            case IGNORED -> { }
            case NOT_AN_ANSWER -> {
                return false;
            }
        }
        flush();
        return true;
    }

    /** True while the party on {@code side} is being asked for consent: its 1/2 digits and yes/no are answers. */
    public boolean awaitsConsentFrom(Side side) {
        return pending.containsKey(side);
    }

    /** A detector for the DTMF of {@code side}'s leg, feeding this call's control. */
    public FeatureCodeDetector newDetector(Side side) {
        return new FeatureCodeDetector(settings.featureCodes(), clock, () -> awaitsConsentFrom(side),
                new FeatureCodeDetector.Listener() {
                    @Override
                    public void onFeatureCode(FeatureCode code) {
                        CallControl.this.onFeatureCode(side, code);
                    }

                    @Override
                    public void onConsentDigit(char digit) {
                        CallControl.this.onPeerDigit(side, digit);
                    }
                });
    }

    // ------------------------------------------------------------------ inputs: storage and recorder

    /** Storage availability changed: the parties are told, at most once per interval each. */
    public void onStorageStatus(StorageAvailability status) {
        storage = Objects.requireNonNull(status, "status");
        if (!ended) {
            for (Side s : Side.values()) {
                tellStorage(s);
            }
            flush();
        }
    }

    /** A running recording failed (storage lost, disk full...): it has ended; its requester is told why. */
    public void onRecordingFailed(String recordingId, ErrorCode code, String message) {
        if (ended) {
            return;
        }
        for (Recording r : List.copyOf(recordings.values())) {
            if (r.id.equals(recordingId)) {
                send(r.requester, new RecordingError(code, message, r.id, null));
                ended(r);
                stateToBoth(r);
            }
        }
        flush();
    }

    // ------------------------------------------------------------------ consent

    private InfoAnswer requestConsent(Side requester, RecordingMode mode, String requestId, boolean start) {
        Side peer = requester.other();
        if (settings.policy() == ConsentPolicy.ONE_PARTY) {
            ConsentEntry e = policyEntry(requester, mode, requestId);
            send(requester, ConsentOutcome.granted(requestId));
            if (start) {
                allocate(requester, mode, requestId, List.of(e));
            }
            return InfoAnswer.OK;
        }
        Grant g = grants.get(peer);
        if (g != null && g.covers(mode)) {
            send(requester, ConsentOutcome.granted(requestId));
            if (start) {
                allocate(requester, mode, requestId, List.of(g.entry));
            }
            return InfoAnswer.OK;
        }
        if (pending.containsKey(peer)) {
            return InfoAnswer.forbidden("a consent request to the other party is already waiting for its answer");
        }
        askOrDecline(requester, mode, requestId, start, null);
        return InfoAnswer.OK;
    }

    /** Asks the requester's peer, unless its SDP has already said no. */
    private void askOrDecline(Side requester, RecordingMode mode, String requestId, boolean start,
                              Recording forRecording) {
        Side peer = requester.other();
        if (port.recordPrefOff(peer)) {
            ConsentEntry e = entry(requester, ConsentChannel.SDP, null, port.sourceAddress(peer, ConsentChannel.SDP),
                    requestId, null, mode, ConsentDecision.DECLINED);
            port.consentLog(e, forRecording == null ? List.of() : List.of(forRecording.id));
            refused(requester, requestId, ConsentDecision.DECLINED, start || forRecording != null, forRecording);
            return;
        }
        String consentId = ControlIds.newConsentId();
        ConsentAsk ask = new ConsentAsk(consentId, parties.get(requester).identity(), mode);
        PendingConsent p;
        if (callrecCapable(peer)) {
            String prompt = new String(ControlCodec.serialize(ask), StandardCharsets.UTF_8);
            p = new PendingConsent(consentId, requester, mode, requestId, start, ConsentChannel.INFO, prompt,
                    forRecording);
            outbox.add(() -> port.sendInfo(peer, ask));
        } else {
            String prompt = settings.texts().prompt(ask.from(), mode);
            p = new PendingConsent(consentId, requester, mode, requestId, start, ConsentChannel.MESSAGE, prompt,
                    forRecording);
            outbox.add(() -> port.sendText(peer, prompt));
        }
        p.timeout = schedule(settings.consentTimeout(), () -> {
            PendingConsent still = pending.get(peer);
            if (still != null && still.consentId.equals(consentId)) {
                decide(peer, ConsentDecision.TIMEOUT, still.channel);
            }
        });
        pending.put(peer, p);
    }

    private InfoAnswer consentResponse(Side from, ConsentResponse m) {
        PendingConsent asked = pending.get(from);
        if (asked != null && asked.consentId.equals(m.consentId())) {
            decide(from, m.granted() ? ConsentDecision.GRANTED : ConsentDecision.DECLINED, ConsentChannel.INFO);
            return InfoAnswer.OK;
        }
        PendingConsent other = pending.get(from.other());
        if (other != null && other.consentId.equals(m.consentId())) {
            return InfoAnswer.forbidden("consent-response is accepted only from the asked party");
        }
        return InfoAnswer.forbidden("unknown or expired consentId " + SipWarning.quote(m.consentId()));
    }

    /** The party on {@code peer} answered (or did not) the pending question. */
    private void decide(Side peer, ConsentDecision decision, ConsentChannel channel) {
        PendingConsent p = pending.remove(peer);
        p.timeout.cancel();
        String source = decision == ConsentDecision.TIMEOUT ? null : port.sourceAddress(peer, channel);
        ConsentEntry e = entry(p.requester, channel, p.prompt, source, p.requestId, p.consentId, p.mode, decision);
        Recording r = p.forRecording != null && recordings.get(p.requester) == p.forRecording ? p.forRecording : null;
        port.consentLog(e, r == null ? List.of() : List.of(r.id));
        if (decision == ConsentDecision.GRANTED) {
            grants.put(peer, new Grant(p.mode, e));
            send(p.requester, ConsentOutcome.granted(p.requestId));
            if (r != null) {
                r.pausedForConsent = false;
                if (!r.pausedByUser) {
                    port.resumeRecording(r.id);
                    stateToBoth(r);
                }
            } else if (p.start) {
                allocate(p.requester, p.mode, p.requestId, List.of(e));
            }
        } else {
            refused(p.requester, p.requestId, decision, p.start || r != null, r);
        }
    }

    /** Tells the requester consent was not given; a recording waiting for it stops. */
    private void refused(Side requester, String requestId, ConsentDecision decision, boolean recordingWanted,
                         Recording waiting) {
        send(requester, ConsentOutcome.refused(requestId, decision.reason()));
        if (recordingWanted && callrecCapable(requester)) {
            // A program gets the failed start as an error too; a person reads the one text above.
            send(requester, new RecordingError(errorFor(decision), "the other party's consent was "
                    + (decision == ConsentDecision.TIMEOUT ? "not given in time" : "not given"),
                    waiting == null ? null : waiting.id, null));
        }
        if (waiting != null) {
            stop(waiting);
        }
    }

    private static ErrorCode errorFor(ConsentDecision d) {
        return switch (d) {
            case TIMEOUT -> ErrorCode.CONSENT_TIMEOUT;
            case DECLINED, WITHDRAWN -> ErrorCode.CONSENT_DECLINED;
            default -> ErrorCode.CONSENT_REQUIRED;
        };
    }

    /** The party on {@code grantor} takes back its consent; recordings that needed it stop. */
    private void withdraw(Side grantor, ConsentChannel channel) {
        Grant g = grants.remove(grantor);
        if (g == null) {
            return;
        }
        Side requester = grantor.other();
        Recording r = recordings.get(requester);
        boolean needed = r != null && settings.policy() == ConsentPolicy.REQUIRED;
        ConsentEntry e = entry(requester, channel, null, port.sourceAddress(grantor, channel),
                g.entry.requestId(), g.entry.consentId(), g.mode, ConsentDecision.WITHDRAWN);
        port.consentLog(e, needed ? List.of(r.id) : List.of());
        send(requester, ConsentOutcome.refused(g.entry.requestId(), ConsentReason.WITHDRAWN));
        if (needed) {
            stop(r);
        }
    }

    private ConsentEntry policyEntry(Side requester, RecordingMode mode, String requestId) {
        ConsentEntry e = entry(requester, ConsentChannel.POLICY, null, null, requestId, null, mode,
                ConsentDecision.GRANTED);
        port.consentLog(e, List.of());
        return e;
    }

    private ConsentEntry entry(Side requester, ConsentChannel channel, String prompt, String source,
                               String requestId, String consentId, RecordingMode mode, ConsentDecision result) {
        return new ConsentEntry(clock.instant(), requester, parties.get(requester), parties.get(requester.other()),
                channel, prompt, source, requestId, consentId, mode, result);
    }

    // ------------------------------------------------------------------ recordings

    private InfoAnswer allocateRequest(Side requester, RecordingMode mode, String requestId) {
        Recording running = recordings.get(requester);
        if (running != null) {
            send(requester, running.started());
            return InfoAnswer.OK;
        }
        List<ConsentEntry> consent;
        if (settings.policy() == ConsentPolicy.ONE_PARTY) {
            consent = List.of(policyEntry(requester, mode, requestId));
        } else {
            Grant g = grants.get(requester.other());
            if (g == null || !g.covers(mode)) {
                return InfoAnswer.forbidden("allocate for mode " + mode.wireName()
                        + " needs the other party's granted consent");
            }
            consent = List.of(g.entry);
        }
        allocate(requester, mode, requestId, consent);
        return InfoAnswer.OK;
    }

    /**
     * Starts the requester's recording, or re-sends its recording-started if one runs (idempotent). The start waits
     * in the outbox: allocating storage and opening the files can take a while on a busy disk, and the INFO that
     * asked for it must get its 200 first, or the UA retransmits it and may give up on the dialog.
     */
    private void allocate(Side requester, RecordingMode mode, String requestId, List<ConsentEntry> consent) {
        outbox.add(() -> allocateNow(requester, mode, requestId, consent));
    }

    private void allocateNow(Side requester, RecordingMode mode, String requestId, List<ConsentEntry> consent) {
        Recording running = recordings.get(requester);
        if (running != null) {
            send(requester, running.started());
            return;
        }
        if (!storage.available()) {
            Duration retry = storage.retryAfter() != null ? storage.retryAfter() : settings.storageRetryAfter();
            send(requester, new RecordingError(ErrorCode.STORAGE_UNAVAILABLE, "storage is unavailable"
                    + (storage.reason() == null ? "" : ": " + storage.reason()), null, seconds(retry)));
            return;
        }
        StartResult result = port.startRecording(requester, mode, consent);
        if (result instanceof StartResult.Started s) {
            Recording r = new Recording(s.recordingId(), requester, mode, requestId);
            recordings.put(requester, r);
            send(requester, r.started());
            stateToBoth(r);
        } else {
            StartResult.Failed f = (StartResult.Failed) result;
            send(requester, new RecordingError(f.code(), f.message(), null,
                    f.retryAfter() == null ? null : seconds(f.retryAfter())));
        }
    }

    private InfoAnswer stopRequest(Side from, String recordingId) {
        Target t = target(from, recordingId, "stop");
        if (t.refusal != null) {
            return t.refusal;
        }
        if (t.recording != null) {
            stop(t.recording);
        }
        return InfoAnswer.OK;
    }

    private InfoAnswer pauseRequest(Side from, String recordingId) {
        Target t = target(from, recordingId, "pause");
        if (t.refusal != null) {
            return t.refusal;
        }
        Recording r = t.recording;
        if (!r.pausedByUser) {
            r.pausedByUser = true;
            if (!r.pausedForConsent) {
                port.pauseRecording(r.id);
                stateToBoth(r);
            }
        }
        return InfoAnswer.OK;
    }

    private InfoAnswer resumeRequest(Side from, String recordingId) {
        Target t = target(from, recordingId, "resume");
        if (t.refusal != null) {
            return t.refusal;
        }
        Recording r = t.recording;
        if (r.pausedForConsent) {
            return InfoAnswer.forbidden("the recording waits for the new party's consent");
        }
        if (r.pausedByUser) {
            r.pausedByUser = false;
            port.resumeRecording(r.id);
            stateToBoth(r);
        }
        return InfoAnswer.OK;
    }

    /** The sender's recording a stop/pause/resume means: its own, or a refusal; neither for a repeated stop. */
    private Target target(Side from, String recordingId, String verb) {
        Recording own = recordings.get(from);
        if (recordingId == null) {
            return own != null ? new Target(own, null)
                    : new Target(null, InfoAnswer.forbidden("you have no recording to " + verb));
        }
        if (own != null && own.id.equals(recordingId)) {
            return new Target(own, null);
        }
        if (stoppedIds.get(from).contains(recordingId)) {
            // Stopping twice is harmless; pausing what has ended is a mistake worth saying.
            return new Target(null, verb.equals("stop") ? null : InfoAnswer.forbidden("the recording has stopped"));
        }
        Recording theirs = recordings.get(from.other());
        if ((theirs != null && theirs.id.equals(recordingId)) || stoppedIds.get(from.other()).contains(recordingId)) {
            return new Target(null, InfoAnswer.forbidden("recording " + recordingId
                    + " belongs to the other party"));
        }
        return new Target(null, InfoAnswer.forbidden("unknown recordingId " + SipWarning.quote(recordingId)));
    }

    private void stop(Recording r) {
        port.stopRecording(r.id);
        ended(r);
        stateToBoth(r);
    }

    private void ended(Recording r) {
        r.stopped = true;
        recordings.remove(r.requester, r);
        stoppedIds.get(r.requester).add(r.id);
    }

    private void stateToBoth(Recording r) {
        RecordingState state = new RecordingState(r.id, r.state(), r.mode);
        send(r.requester, state);
        send(r.requester.other(), state);
    }

    // ------------------------------------------------------------------ storage-status

    /** Tells {@code side} the storage state if it takes callrec INFOs and the state is new to it. */
    private void tellStorage(Side side) {
        if (confirmed && !ended && callrecCapable(side)) {
            storageSenders.get(side).update();
        }
    }

    // ------------------------------------------------------------------ sending

    private boolean callrecCapable(Side side) {
        return !textOnly.contains(side) && port.supportsCallrec(side);
    }

    /** Queues {@code message} for {@code side}: as INFO if it takes callrec, else as text if there is one. */
    private void send(Side side, ControlMessage.ToUa message) {
        if (callrecCapable(side)) {
            outbox.add(() -> port.sendInfo(side, message));
        } else {
            settings.texts().render(message).ifPresent(t -> outbox.add(() -> port.sendText(side, t)));
        }
    }

    private void flush() {
        Runnable r;
        while (!ended && (r = outbox.poll()) != null) {
            r.run();
        }
    }

    private TaskScheduler.Cancellable schedule(Duration delay, Runnable task) {
        return scheduler.schedule(delay, () -> {
            if (!ended) {
                task.run();
                flush();
            }
        });
    }

    private static Integer seconds(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        return (int) Math.min(Integer.MAX_VALUE, s);
    }

    /** The first token of a header value: {@code " Both ;x=1"} is {@code both}. */
    private static String headerToken(String value) {
        int semi = value.indexOf(';');
        return (semi < 0 ? value : value.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ state

    /** Consent given for {@code mode}; {@code both} also covers {@code peer}. */
    private record Grant(RecordingMode mode, ConsentEntry entry) {
        boolean covers(RecordingMode wanted) {
            return mode == RecordingMode.BOTH || mode == wanted;
        }
    }

    private record Target(Recording recording, InfoAnswer refusal) {
    }

    private static final class PendingConsent {
        final String consentId;
        final Side requester;
        final RecordingMode mode;
        final String requestId;
        final boolean start;
        /** How the question went out: INFO or MESSAGE. */
        final ConsentChannel channel;
        final String prompt;
        /** The recording paused for this question after a transfer; null for an ordinary request. */
        final Recording forRecording;
        TaskScheduler.Cancellable timeout;

        PendingConsent(String consentId, Side requester, RecordingMode mode, String requestId, boolean start,
                       ConsentChannel channel, String prompt, Recording forRecording) {
            this.consentId = consentId;
            this.requester = requester;
            this.mode = mode;
            this.requestId = requestId;
            this.start = start;
            this.channel = channel;
            this.prompt = prompt;
            this.forRecording = forRecording;
        }
    }

    private static final class Recording {
        final String id;
        final Side requester;
        final RecordingMode mode;
        final String requestId;
        boolean pausedByUser;
        /** Paused by the server until a new party consents (transfer). */
        boolean pausedForConsent;
        boolean stopped;

        Recording(String id, Side requester, RecordingMode mode, String requestId) {
            this.id = id;
            this.requester = requester;
            this.mode = mode;
            this.requestId = requestId;
        }

        RecordingSession.State state() {
            if (stopped) {
                return RecordingSession.State.STOPPED;
            }
            return pausedByUser || pausedForConsent ? RecordingSession.State.PAUSED : RecordingSession.State.RECORDING;
        }

        RecordingStarted started() {
            return new RecordingStarted(id, mode, requestId);
        }
    }

    @Override
    public String toString() {
        List<String> running = new ArrayList<>();
        recordings.values().forEach(r -> running.add(r.id + "(" + r.state() + ")"));
        return "CallControl[confirmed=" + confirmed + ", ended=" + ended + ", recordings=" + running
                + ", asking=" + pending.keySet() + "]";
    }
}
