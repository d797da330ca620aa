package io.callrec.record;

import java.util.Locale;

/** The two roles in a recording; each names its sub-space and file ({@code requester.mkv}, {@code peer.mkv}). */
public enum Party {
    REQUESTER,
    PEER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String fileName() {
        return wireName() + ".mkv";
    }
}
