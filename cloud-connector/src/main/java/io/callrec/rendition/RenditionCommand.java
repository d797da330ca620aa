package io.callrec.rendition;

import io.callrec.rendition.RenditionPlan.AudioAction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ffmpeg arguments that make one {@link RenditionPlan}.
 *
 * <ul>
 *   <li>{@code -copyts}: the stored timestamps are kept. A recording's files share one timeline (a track that started
 *       late starts late), and the player plays two parties' files side by side by their {@code currentTime}, so a
 *       rendition must not move its tracks to zero. MP4 keeps a late start in an edit list, WebM in its block
 *       times.</li>
 *   <li>Video: {@code -c:v copy}, always.</li>
 *   <li>Encoded audio goes through {@code aresample=async=1}, which fills the gaps that lost packets and pauses
 *       leave in a recording with silence. Browsers play encoded audio as one continuous run; without the filler,
 *       every gap would pull the rest of the audio earlier against the video.</li>
 *   <li>AAC is made at 48 kHz: its encoder delay (1024 samples, trimmed through the MP4 edit list) is then 21 ms
 *       rather than the 128 ms it would be at 8 kHz, in case a player ignores the edit list.</li>
 *   <li>MP4 gets {@code +faststart} (index first), so that a browser can start playing and seeking after the
 *       first range request; fragmented MP4 was not used because its duration is unknown to browsers until the end
 *       is read.</li>
 * </ul>
 */
public final class RenditionCommand {
    public static final String OPUS_BITRATE = "32k";
    public static final String AAC_BITRATE = "64k";
    public static final String AAC_RATE = "48000";
    static final String GAP_FILLER = "aresample=async=1";

    /** The encoders a plan may need, as this ffmpeg has them. */
    public record Encoders(Optional<String> opus, Optional<String> aac) {
        /** libopus if present, else ffmpeg's own (experimental) Opus encoder; ffmpeg's own AAC encoder. */
        public static Encoders of(Ffmpeg ffmpeg) {
            Optional<String> opus = ffmpeg.hasEncoder("libopus") ? Optional.of("libopus")
                    : ffmpeg.hasEncoder("opus") ? Optional.of("opus") : Optional.empty();
            return new Encoders(opus, ffmpeg.hasEncoder("aac") ? Optional.of("aac") : Optional.empty());
        }

        /** The encoder for the plan's audio; empty when the plan encodes nothing, or this ffmpeg lacks it. */
        Optional<String> encoderFor(RenditionPlan plan) {
            return switch (plan.audio()) {
                case OPUS -> opus;
                case AAC -> aac;
                case NONE, COPY -> Optional.empty();
            };
        }

        /** Why this ffmpeg cannot make the plan, if it cannot. */
        public Optional<String> missingFor(RenditionPlan plan) {
            if (!plan.transcodes() || encoderFor(plan).isPresent()) {
                return Optional.empty();
            }
            return Optional.of("this ffmpeg has no " + (plan.audio() == AudioAction.OPUS ? "Opus" : "AAC")
                    + " encoder");
        }
    }

    private RenditionCommand() {
    }

    /**
     * @throws IllegalArgumentException when {@code encoders} lacks the encoder the plan needs (check
     *                                  {@link Encoders#missingFor} first)
     */
    public static List<String> arguments(RenditionPlan plan, Path source, Path target, Encoders encoders) {
        Optional<String> missing = encoders.missingFor(plan);
        if (missing.isPresent()) {
            throw new IllegalArgumentException(plan.source() + ": " + missing.get());
        }
        Optional<String> encoder = encoders.encoderFor(plan);
        List<String> args = new ArrayList<>(List.of("-y", "-copyts", "-i", source.toString()));
        if (plan.video()) {
            args.addAll(List.of("-map", "0:v:0", "-c:v", "copy"));
        }
        if (plan.audio() != AudioAction.NONE) {
            args.addAll(List.of("-map", "0:a:0"));
        }
        switch (plan.audio()) {
            case COPY -> args.addAll(List.of("-c:a", "copy"));
            case OPUS -> {
                args.addAll(List.of("-c:a", encoder.get(), "-b:a", OPUS_BITRATE, "-af", GAP_FILLER));
                if (encoder.get().equals("opus")) {
                    // ffmpeg's own Opus encoder is marked experimental and takes 48 kHz only
                    args.addAll(List.of("-strict", "-2", "-ar", "48000"));
                }
            }
            case AAC -> args.addAll(List.of("-c:a", encoder.get(), "-b:a", AAC_BITRATE, "-ar", AAC_RATE,
                    "-af", GAP_FILLER));
            case NONE -> { }
        }
        // No encoder version or creation time in the file: it says nothing about the host or when it was made.
        args.addAll(List.of("-fflags", "+bitexact"));
        if (plan.container() == RenditionPlan.Container.MP4) {
            args.addAll(List.of("-movflags", "+faststart"));
        }
        args.addAll(List.of("-f", plan.container().ffmpegFormat(), target.toString()));
        return args;
    }
}
