package io.callrec.control;

import io.callrec.media.relay.Side;
import io.callrec.record.RecordingMode;
import java.util.List;

/**
 * What {@link CallControl} needs from the B2BUA, for one call. Called only from within {@code CallControl}'s
 * inputs, so under the call's confinement; sending methods must not block on the network.
 */
public interface ControlPort {

    /** True while the latest {@code Recv-Info} of the UA on {@code side} includes {@code callrec}. */
    boolean supportsCallrec(Side side);

    /** Sends an INFO ({@code Info-Package: callrec}) with the message to the UA on {@code side}. */
    void sendInfo(Side side, ControlMessage.ToUa message);

    /** Sends an in-dialog {@code text/plain} MESSAGE to the UA on {@code side} (the plain fallback, spec §3). */
    void sendText(Side side, String text);

    /** True if the latest SDP from {@code side} carries {@code a=recordpref:off} (RFC 7866). */
    boolean recordPrefOff(Side side);

    /**
     * The address a consent decision from {@code side} arrived from, for the consent log: the dialog's remote
     * address for {@code info}/{@code message}/{@code header}/{@code sdp}, the latched media source for
     * {@code dtmf}. Null if unknown.
     */
    String sourceAddress(Side side, ConsentChannel channel);

    /**
     * Allocates storage and starts recording for the party on {@code requesterSide}.
     *
     * @param consent the consent entries the recording relies on, for its manifest
     */
    StartResult startRecording(Side requesterSide, RecordingMode mode, List<ConsentEntry> consent);

    void pauseRecording(String recordingId);

    void resumeRecording(String recordingId);

    /** Ends the recording; what was written is kept and delivered. */
    void stopRecording(String recordingId);

    /**
     * Records a consent decision in the audit log ({@link ConsentLog}) and in the manifests of
     * {@code recordingIds}, the running recordings it concerns (often none).
     */
    void consentLog(ConsentEntry entry, List<String> recordingIds);
}
