package io.callrec.record;

import java.util.Locale;

/** What a recording holds (spec §2): both parties, or only the peer. */
public enum RecordingMode {
    /** Two sub-spaces, requester and peer, plus the combined file and sync data. */
    BOTH,
    /** Only the peer's audio and video. */
    PEER;

    /** The name on the wire ({@code "both"}, {@code "peer"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RecordingMode fromWireName(String name) {
        for (RecordingMode m : values()) {
            if (m.wireName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown recording mode '" + name + "' (expected both or peer)");
    }
}
