package io.callrec.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Browser renditions of recordings (docs/storage.md, "Browser renditions").
 *
 * @param enabled whether they are made at all ({@code --renditions}, default true)
 * @param ffmpeg  the ffmpeg to make them with ({@code --ffmpeg}); empty: the first {@code ffmpeg} on the
 *                {@code PATH}, and none if there is none there
 */
public record RenditionSettings(boolean enabled, Optional<Path> ffmpeg) {
    public static final RenditionSettings DEFAULTS = new RenditionSettings(true, Optional.empty());

    public RenditionSettings {
        Objects.requireNonNull(ffmpeg, "ffmpeg");
    }
}
