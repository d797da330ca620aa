package io.callrec.rendition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one stored file becomes a file browsers play: the container, and for each track whether it is copied or which
 * encoder makes it. Video is only ever copied (re-encoding a call's video would cost more CPU than recording it).
 *
 * @param source    the stored file's name ({@code peer.mkv})
 * @param name      the rendition's name ({@code peer.webm}), an object in the same recording's space
 * @param party     the stored file's party
 * @param container what the rendition is
 * @param video     whether the first video track goes in (copied)
 * @param audio     what happens to the first audio track
 * @param videoCodec the stored video codec when {@code video}, else null
 */
public record RenditionPlan(String source, String name, String party, Container container, boolean video,
                            AudioAction audio, String videoCodec) {
    /** What a browser is told the file is before it fetches it ({@code HTMLMediaElement.canPlayType}). */
    public enum Container {
        WEBM("webm", "webm"),
        MP4("mp4", "mp4");

        private final String extension;
        private final String ffmpegFormat;

        Container(String extension, String ffmpegFormat) {
            this.extension = extension;
            this.ffmpegFormat = ffmpegFormat;
        }

        public String extension() {
            return extension;
        }

        public String ffmpegFormat() {
            return ffmpegFormat;
        }
    }

    /** What happens to the audio: the cheapest step that leaves it playable in the container. */
    public enum AudioAction {
        /** The file has no audio. */
        NONE(null),
        /** Opus, the only audio codec browsers play both in WebM and in MP4, is kept as it is. */
        COPY("opus"),
        /** PCM or G.722 made into Opus, for WebM (where AAC cannot go). */
        OPUS("opus"),
        /** PCM or G.722 made into AAC-LC, for MP4: the one audio codec every browser plays in MP4. */
        AAC("mp4a.40.2");

        private final String codecString;

        AudioAction(String codecString) {
            this.codecString = codecString;
        }

        /** The RFC 6381 codec string of the audio this action leaves, null for NONE. */
        public String codecString() {
            return codecString;
        }
    }

    public RenditionPlan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(party, "party");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(audio, "audio");
        if (video != (videoCodec != null)) {
            throw new IllegalArgumentException("videoCodec must be given exactly when video is kept: " + videoCodec);
        }
        if (!video && audio == AudioAction.NONE) {
            throw new IllegalArgumentException(source + ": a rendition without video and audio");
        }
    }

    /** Whether anything is encoded (audio only; video never is). */
    public boolean transcodes() {
        return audio == AudioAction.OPUS || audio == AudioAction.AAC;
    }

    /**
     * The MIME type with codecs, as {@code canPlayType} takes it, e.g. {@code video/mp4; codecs="avc1.42C01F,
     * mp4a.40.2"}.
     *
     * @param avcCodecString the H.264 codec string read from the made file ({@code avc1.PPCCLL}); used only for H.264
     */
    public String mimeType(String avcCodecString) {
        List<String> codecs = new ArrayList<>();
        if (video) {
            codecs.add("h264".equals(videoCodec) ? avcCodecString : videoCodec);
        }
        if (audio != AudioAction.NONE) {
            codecs.add(audio.codecString());
        }
        return (video ? "video/" : "audio/") + container.extension() + "; codecs=\"" + String.join(", ", codecs) + "\"";
    }
}
