package io.callrec.sip;

import io.callrec.control.ConsentChannel;
import io.callrec.control.ConsentEntry;
import io.callrec.control.ControlCodec;
import io.callrec.control.ControlIds;
import io.callrec.control.ControlMessage;
import io.callrec.control.ControlPort;
import io.callrec.control.ErrorCode;
import io.callrec.control.StartResult;
import io.callrec.control.TaskScheduler;
import io.callrec.media.relay.Side;
import io.callrec.record.MediaFormats;
import io.callrec.record.Recorder;
import io.callrec.record.RecorderException;
import io.callrec.record.RecordingMode;
import io.callrec.record.RecordingSession;
import io.callrec.record.RecordingSpec;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.SessionDescription;
import io.callrec.sip.delivery.DeliveryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's side of recording control: what {@link io.callrec.control.CallControl} asks of the B2BUA (send an
 * INFO or a text MESSAGE on a leg, start/stop a recording, log consent) and its timers, run under the call's lock.
 */
final class CallRecordingPort implements ControlPort, TaskScheduler {
    private static final Logger log = LoggerFactory.getLogger("call");
    private static final Map<String, String> CALLREC_INFO = Map.of("Info-Package", RecvInfo.CALLREC,
            "Content-Disposition", "Info-Package");

    private final B2bua b2bua;
    private final Call call;
    private final RecordingServices services;
    private final ScheduledExecutorService timers;

    CallRecordingPort(B2bua b2bua, Call call, RecordingServices services, ScheduledExecutorService timers) {
        this.b2bua = b2bua;
        this.call = call;
        this.services = services;
        this.timers = timers;
    }

    @Override
    public boolean supportsCallrec(Side side) {
        return call.leg(side).takesCallrecInfo();
    }

    @Override
    public void sendInfo(Side side, ControlMessage.ToUa message) {
        boolean sent = b2bua.sendOwn(call, call.leg(side), Request.INFO, ControlCodec.CONTENT_TYPE,
                ControlCodec.serialize(message), CALLREC_INFO, code -> {
                    if (code == 415 || code == 469) {
                        synchronized (call) {
                            if (call.control != null && !call.ended()) {
                                call.control.onInfoRefused(side, message);
                            }
                        }
                    }
                });
        if (!sent) {
            log.debug("{} callrec INFO to {} not sent (dialog not established)", call, side);
        }
    }

    @Override
    public void sendText(Side side, String text) {
        b2bua.sendOwn(call, call.leg(side), Request.MESSAGE, "text/plain", text.getBytes(StandardCharsets.UTF_8),
                Map.of(), code -> {
                    if (code >= 300) {
                        synchronized (call) {
                            if (call.control != null && !call.ended() && call.control.awaitsConsentFrom(side)) {
                                call.control.onPromptFailed(side);
                            }
                        }
                    }
                });
    }

    @Override
    public boolean recordPrefOff(Side side) {
        Optional<SessionDescription> sdp = call.media == null ? Optional.empty() : call.media.lastFrom(side);
        if (sdp.isEmpty()) {
            return false;
        }
        for (String a : sdp.get().sessionAttributes()) {
            if (a.trim().equalsIgnoreCase("recordpref:off")) {
                return true;
            }
        }
        for (MediaDescription m : sdp.get().media()) {
            for (String v : m.attributeValues("recordpref")) {
                if (v.trim().equalsIgnoreCase("off")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String sourceAddress(Side side, ConsentChannel channel) {
        if (channel == ConsentChannel.DTMF && call.media != null) {
            return call.media.session().streams().stream().filter(s -> "audio".equals(s.mediaType()))
                    .findFirst().flatMap(s -> s.latchedSource(side)).map(Object::toString).orElse(null);
        }
        return call.leg(side).lastSource;
    }

    @Override
    public StartResult startRecording(Side requesterSide, RecordingMode mode, List<ConsentEntry> consent) {
        var storage = services.storage().get();
        if (!storage.available()) {
            return new StartResult.Failed(ErrorCode.STORAGE_UNAVAILABLE, storage.reason(), storage.retryAfter());
        }
        // The recorder's place first: refused after storage was allocated, the allocation would be left empty.
        try (Recorder.Reservation room = services.recorder().reserve()) {
            String id = ControlIds.newRecordingId();
            Optional<StartResult.Failed> refused = services.allocate().apply(id);
            if (refused.isPresent()) {
                return refused.get();
            }
            Leg requester = call.leg(requesterSide);
            Leg peer = requester.other();
            List<Map<String, Object>> entries = new ArrayList<>();
            for (ConsentEntry e : consent) {
                entries.add(e.toMap());
            }
            RecordingSpec spec = new RecordingSpec(id, mode, requesterSide, identity(requesterSide),
                    identity(peer.side), requester.callId, peer.callId, services.rawCapture(), entries);
            MediaFormats formats = MediaFormats.of(call.media.lastFrom(Side.A).orElse(null),
                    call.media.lastFrom(Side.B).orElse(null));
            RecordingSession session = services.recorder().start(room, call.fork, spec, formats);
            call.recordings.add(session);
            b2bua.recordingStarted(id, call);
            services.courier().expect(new DeliveryStore.Intent(id, B2bua.userOf(identity(requesterSide)),
                    identity(requesterSide), B2bua.remoteTarget(requester), requester.takesCallrecInfo()));
            b2bua.logEvent(call, "recording " + id + " started (mode " + mode.wireName() + ", requester "
                    + (requesterSide == Side.A ? "caller" : "callee") + ")");
            return new StartResult.Started(id);
        } catch (RecorderException e) {
            return notStarted(e);
        }
    }

    private StartResult.Failed notStarted(RecorderException e) {
        ErrorCode code = ErrorCode.fromWireName(e.code()).orElse(ErrorCode.INTERNAL);
        b2bua.logEvent(call, "recording not started: " + e.code() + ": " + e.getMessage());
        return new StartResult.Failed(code, e.getMessage(), null);
    }

    @Override
    public void pauseRecording(String recordingId) {
        find(recordingId).ifPresent(RecordingSession::pause);
    }

    @Override
    public void resumeRecording(String recordingId) {
        find(recordingId).ifPresent(RecordingSession::resume);
    }

    @Override
    public void stopRecording(String recordingId) {
        find(recordingId).ifPresent(r -> {
            r.stop();
            b2bua.logEvent(call, "recording " + recordingId + " stopped");
        });
    }

    @Override
    public void consentLog(ConsentEntry entry, List<String> recordingIds) {
        Map<String, Object> written;
        try {
            written = services.consentLog().append(entry);
        } catch (IOException e) {
            log.error("{} consent decision not written to the audit log: {}", call, e.toString());
            written = entry.toMap();
        }
        for (String id : recordingIds) {
            Map<String, Object> w = written;
            find(id).ifPresent(r -> r.addConsent(w));
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = timers.schedule(() -> {
            synchronized (call) {
                if (!call.ended()) {
                    task.run();
                }
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    private String identity(Side side) {
        return side == Side.A ? call.callerIdentity : call.calleeIdentity;
    }

    private Optional<RecordingSession> find(String recordingId) {
        return call.recordings.stream().filter(r -> r.recordingId().equals(recordingId)).findFirst();
    }
}
