package io.callrec.control;

import java.util.Objects;

/**
 * One party of a call as the consent log names it.
 *
 * @param callId         the Call-ID of the party's leg
 * @param identity       e.g. {@code sip:alice@example.com}
 * @param identitySource where {@code identity} was taken from
 */
public record Party(String callId, String identity, IdentitySource identitySource) {
    public Party {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(identitySource, "identitySource");
    }
}
