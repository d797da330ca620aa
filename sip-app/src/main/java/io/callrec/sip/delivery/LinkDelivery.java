package io.callrec.sip.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * A recording link on its way to the requester (spec §4); persisted until delivered or expired.
 *
 * @param recordingId   the recording
 * @param url           the signed link
 * @param expires       when the link expires: no delivery attempt after it
 * @param requesterUser the requester's registrar user, to find its registered contacts; null if not registered
 * @param requesterAor  the requester's identity (To of an out-of-dialog MESSAGE)
 * @param lastTarget    the remote target of the requester's last dialog (last resort); null if none
 * @param json          the requester declared {@code Recv-Info: callrec}: the body is JSON, else text
 * @param attempts      failed attempts so far (for the backoff)
 */
public record LinkDelivery(String recordingId, String url, Instant expires, String requesterUser,
                           String requesterAor, String lastTarget, boolean json, int attempts) {
    public LinkDelivery {
        Objects.requireNonNull(recordingId, "recordingId");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(requesterAor, "requesterAor");
    }

    /** The same delivery after one more failed attempt. */
    public LinkDelivery failedOnceForRetry() {
        return new LinkDelivery(recordingId, url, expires, requesterUser, requesterAor, lastTarget, json,
                attempts + 1);
    }

    /** The same delivery with a text body (after a 415 to JSON). */
    public LinkDelivery asText() {
        return new LinkDelivery(recordingId, url, expires, requesterUser, requesterAor, lastTarget, false, attempts);
    }
}
