package io.callrec.rendition;

import io.callrec.rendition.RenditionPlan.AudioAction;
import io.callrec.rendition.RenditionPlan.Container;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rendition a stored file gets, from its codecs alone. The rule: video is never transcoded, so the video codec
 * picks the container (VP8 → WebM, H.264 → MP4); audio is copied where the container and browsers take it (Opus) and
 * otherwise encoded once, to the container's browser codec (PCM and G.722 → Opus in WebM, AAC in MP4). A file
 * without video goes to MP4 with AAC when its audio must be encoded anyway (the audio file Safari, Firefox and
 * Chromium all play), and stays Opus in WebM when it is Opus.
 *
 * <p>Browsers, as documented by their makers (only Chromium is tested here): Chromium plays all of it; Firefox plays
 * WebM (VP8/VP9/AV1, Opus/Vorbis) and MP4 (H.264, AAC, Opus); Safari plays MP4 with H.264 and AAC, so a VP8 file
 * has no rendition Safari is sure to play: that would need the video transcoded.
 */
public final class RenditionChoice {
    /** The choice for one file: a plan, or why there is none. */
    public sealed interface Choice permits Make, Skip {
    }

    public record Make(RenditionPlan plan) implements Choice {
    }

    public record Skip(String source, String reason) implements Choice {
    }

    private RenditionChoice() {
    }

    public static Choice choose(SourceFile file) {
        Objects.requireNonNull(file, "file");
        Optional<String> video = file.video().map(c -> c.toLowerCase(Locale.ROOT));
        Optional<String> audio = file.audio().map(c -> c.toLowerCase(Locale.ROOT));
        if (video.isEmpty() && audio.isEmpty()) {
            return new Skip(file.name(), "no audio or video track");
        }
        if (video.isPresent()) {
            Container container = switch (video.get()) {
                case "vp8" -> Container.WEBM;
                case "h264" -> Container.MP4;
                default -> null;
            };
            if (container == null) {
                return new Skip(file.name(), "video " + video.get() + " fits no browser container without transcoding");
            }
            return make(file, container, true, video.get(), audio.map(a -> audioFor(container, a))
                    .orElse(AudioAction.NONE));
        }
        return audio.get().equals("opus")
                ? make(file, Container.WEBM, false, null, AudioAction.COPY)
                : make(file, Container.MP4, false, null, AudioAction.AAC);
    }

    private static AudioAction audioFor(Container container, String audio) {
        if (audio.equals("opus")) {
            return AudioAction.COPY;
        }
        return container == Container.WEBM ? AudioAction.OPUS : AudioAction.AAC;
    }

    private static Make make(SourceFile file, Container container, boolean video, String videoCodec,
                             AudioAction audio) {
        return new Make(new RenditionPlan(file.name(), file.baseName() + "." + container.extension(), file.party(),
                container, video, audio, videoCodec));
    }
}
