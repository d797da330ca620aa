package io.callrec.control;

import io.callrec.media.relay.Side;
import io.callrec.record.RecordingMode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link ControlPort} that records what it was asked to do, in order, for scenario tests. */
final class FakePort implements ControlPort {
    /** One thing sent to a party: an INFO message or a text. */
    record Sent(Side to, ControlMessage.ToUa info, String text) {
        @Override
        public String toString() {
            return to + ":" + (info != null ? info : "text '" + text + "'");
        }
    }

    record Started(String recordingId, Side requester, RecordingMode mode, List<ConsentEntry> consent) {
    }

    record Logged(ConsentEntry entry, List<String> recordingIds) {
    }

    final Set<Side> callrec = EnumSet.allOf(Side.class);
    final Set<Side> recordPrefOff = EnumSet.noneOf(Side.class);
    final Map<Side, String> addresses = new EnumMap<>(Map.of(Side.A, "192.0.2.1:5060", Side.B, "192.0.2.2:5060"));
    final List<Sent> sent = new ArrayList<>();
    final List<Started> started = new ArrayList<>();
    /** "pause r-1", "resume r-1", "stop r-1" in order. */
    final List<String> actions = new ArrayList<>();
    final List<Logged> logged = new ArrayList<>();
    /** The next startRecording fails with this, if set. */
    StartResult.Failed failNext;
    private int nextId = 1;

    @Override
    public boolean supportsCallrec(Side side) {
        return callrec.contains(side);
    }

    @Override
    public void sendInfo(Side side, ControlMessage.ToUa message) {
        sent.add(new Sent(side, message, null));
    }

    @Override
    public void sendText(Side side, String text) {
        sent.add(new Sent(side, null, text));
    }

    @Override
    public boolean recordPrefOff(Side side) {
        return recordPrefOff.contains(side);
    }

    @Override
    public String sourceAddress(Side side, ConsentChannel channel) {
        return channel == ConsentChannel.DTMF ? "media:" + addresses.get(side) : addresses.get(side);
    }

    @Override
    public StartResult startRecording(Side requesterSide, RecordingMode mode, List<ConsentEntry> consent) {
        if (failNext != null) {
            StartResult.Failed f = failNext;
            failNext = null;
            return f;
        }
        String id = "r-" + nextId++;
        started.add(new Started(id, requesterSide, mode, List.copyOf(consent)));
        return new StartResult.Started(id);
    }

    @Override
    public void pauseRecording(String recordingId) {
        actions.add("pause " + recordingId);
    }

    @Override
    public void resumeRecording(String recordingId) {
        actions.add("resume " + recordingId);
    }

    @Override
    public void stopRecording(String recordingId) {
        actions.add("stop " + recordingId);
    }

    @Override
    public void consentLog(ConsentEntry entry, List<String> recordingIds) {
        logged.add(new Logged(entry, List.copyOf(recordingIds)));
    }

    /** Everything sent so far, and forgets it. */
    List<Sent> takeSent() {
        List<Sent> s = List.copyOf(sent);
        sent.clear();
        return s;
    }

    /** The INFO messages sent to {@code side} so far, of {@code type}, without forgetting them. */
    <T extends ControlMessage.ToUa> List<T> infos(Side side, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Sent s : sent) {
            if (s.to == side && type.isInstance(s.info)) {
                out.add(type.cast(s.info));
            }
        }
        return out;
    }

    List<String> texts(Side side) {
        List<String> out = new ArrayList<>();
        for (Sent s : sent) {
            if (s.to == side && s.text != null) {
                out.add(s.text);
            }
        }
        return out;
    }
}
