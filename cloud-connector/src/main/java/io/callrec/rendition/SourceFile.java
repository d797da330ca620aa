package io.callrec.rendition;

import java.util.Objects;
import java.util.Optional;

/**
 * One stored Matroska file of a recording as far as a rendition cares: its name, its party, and the codecs of its
 * first video and first audio track as the recorder stored them ({@code h264}, {@code vp8}, {@code opus},
 * {@code pcm_alaw} / {@code pcm_mulaw} for G.711, {@code pcm_s16le} for G.711 in recordings made before it was
 * stored as it came, {@code g722}; the manifest's {@code storedAs}).
 *
 * @param video empty when the file has no picture
 * @param audio empty when the file has no sound
 */
public record SourceFile(String name, String party, Optional<String> video, Optional<String> audio) {
    public SourceFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(party, "party");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(audio, "audio");
    }

    /** The name without its extension: {@code peer.mkv} → {@code peer}. */
    public String baseName() {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
