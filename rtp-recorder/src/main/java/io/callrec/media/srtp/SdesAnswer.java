package io.callrec.media.srtp;

import java.util.Objects;

/**
 * A completed SDES exchange for one media stream: the offered attribute that was accepted and the answer's
 * attribute, with the same tag and suite (RFC 4568 §7.1). Each side encrypts what it sends with the key of its own
 * attribute: the offerer with {@code offered}'s, the answerer with {@code answered}'s.
 */
public record SdesAnswer(SdesCrypto offered, SdesCrypto answered) {
    public SdesAnswer {
        Objects.requireNonNull(offered, "offered");
        Objects.requireNonNull(answered, "answered");
        if (offered.tag() != answered.tag() || offered.profile() != answered.profile()) {
            throw new IllegalArgumentException("the answer must echo the offered tag and suite: offered "
                    + offered + ", answered " + answered);
        }
    }
}
