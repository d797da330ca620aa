package io.callrec.record;

import io.callrec.media.relay.Side;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the control layer asks the recorder to record.
 *
 * @param recordingId     the recording's id, also its storage key; letters, digits, '-' and '_' only
 * @param mode            both parties or the peer only
 * @param requesterSide   the relay side (leg) the requester is on; the peer is on the other
 * @param requester       the requester's identity (e.g. its SIP URI), for the manifest
 * @param peer            the peer's identity
 * @param requesterCallId the Call-ID of the requester's leg
 * @param peerCallId      the Call-ID of the peer's leg
 * @param rawCapture      also keep the received packets of each party as pcap
 * @param consent         the consent log entries this recording relies on, copied into the manifest as they are
 */
public record RecordingSpec(String recordingId, RecordingMode mode, Side requesterSide, String requester, String peer,
                            String requesterCallId, String peerCallId, boolean rawCapture,
                            List<Map<String, Object>> consent) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    public RecordingSpec {
        Objects.requireNonNull(recordingId, "recordingId");
        if (!isValidId(recordingId)) {
            throw new IllegalArgumentException("recording id '" + recordingId + "' is not [A-Za-z0-9_-]{1,128}");
        }
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(requesterSide, "requesterSide");
        requester = requester == null ? "" : requester;
        peer = peer == null ? "" : peer;
        requesterCallId = requesterCallId == null ? "" : requesterCallId;
        peerCallId = peerCallId == null ? "" : peerCallId;
        consent = consent == null ? List.of() : List.copyOf(consent);
    }

    /** The party on a relay side. */
    public Party partyOn(Side side) {
        return side == requesterSide ? Party.REQUESTER : Party.PEER;
    }

    /** The relay side a party is on. */
    public Side sideOf(Party party) {
        return party == Party.REQUESTER ? requesterSide : requesterSide.other();
    }

    /** True if what the party on {@code side} sends is recorded in this mode. */
    public boolean records(Side side) {
        return mode == RecordingMode.BOTH || partyOn(side) == Party.PEER;
    }

    /** Whether {@code id} can be a recording id: also a safe single path element. */
    public static boolean isValidId(String id) {
        return ID.matcher(id).matches();
    }
}
