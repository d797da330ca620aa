package io.callrec.rendition;

import io.callrec.rendition.RenditionPlan.AudioAction;
import io.callrec.rendition.RenditionPlan.Container;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenditionCommandTest {
    private static final RenditionCommand.Encoders ALL = new RenditionCommand.Encoders(Optional.of("libopus"),
            Optional.of("aac"));
    private static final Path IN = Path.of("w", "source-peer.mkv");

    private static RenditionPlan plan(Container c, boolean video, AudioAction audio) {
        String ext = c.extension();
        return new RenditionPlan("peer.mkv", "peer." + ext, "peer", c, video, audio,
                video ? (c == Container.MP4 ? "h264" : "vp8") : null);
    }

    private static List<String> args(RenditionPlan plan, RenditionCommand.Encoders encoders) {
        return RenditionCommand.arguments(plan, IN, Path.of("w", plan.name()), encoders);
    }

    /** The value after the first {@code option}, or null. */
    private static String after(List<String> args, String option) {
        int i = args.indexOf(option);
        return i < 0 ? null : args.get(i + 1);
    }

    @Test
    void videoIsAlwaysCopiedAndTheStoredTimelineKept() {
        for (RenditionPlan p : List.of(plan(Container.MP4, true, AudioAction.AAC), plan(Container.MP4, true,
                AudioAction.COPY), plan(Container.WEBM, true, AudioAction.OPUS), plan(Container.WEBM, true,
                AudioAction.NONE))) {
            List<String> a = args(p, ALL);
            assertTrue(a.contains("-copyts"), a.toString());
            assertEquals("copy", after(a, "-c:v"), a.toString());
            assertEquals(1, Collections.frequency(a, "-c:v"), a.toString());
            assertEquals("0:v:0", after(a, "-map"), a.toString());
            assertEquals(IN.toString(), after(a, "-i"));
            assertEquals("w/" + p.name(), a.get(a.size() - 1));
            assertEquals(p.container().ffmpegFormat(), a.get(a.size() - 2));
        }
    }

    @Test
    void copiedAudioIsNotTouched() {
        List<String> a = args(plan(Container.WEBM, true, AudioAction.COPY), ALL);
        assertEquals("copy", after(a, "-c:a"));
        assertFalse(a.contains("-af"), a.toString());
        assertTrue(a.containsAll(List.of("-map", "0:a:0")));
    }

    @Test
    void encodedAudioHasItsGapsFilledAndAacIsMadeAt48kHz() {
        List<String> aac = args(plan(Container.MP4, true, AudioAction.AAC), ALL);
        assertEquals("aac", after(aac, "-c:a"));
        assertEquals(RenditionCommand.AAC_BITRATE, after(aac, "-b:a"));
        assertEquals("48000", after(aac, "-ar"));
        assertEquals("aresample=async=1", after(aac, "-af"));
        assertEquals("+faststart", after(aac, "-movflags"));
        assertEquals("mp4", after(aac, "-f"));

        List<String> opus = args(plan(Container.WEBM, true, AudioAction.OPUS), ALL);
        assertEquals("libopus", after(opus, "-c:a"));
        assertEquals("aresample=async=1", after(opus, "-af"));
        assertFalse(opus.contains("-movflags"), "no MP4 flags for WebM: " + opus);
        assertFalse(opus.contains("-strict"), opus.toString());
        assertEquals("webm", after(opus, "-f"));
    }

    @Test
    void aFileWithoutVideoMapsOnlyItsAudio() {
        List<String> a = args(plan(Container.MP4, false, AudioAction.AAC), ALL);
        assertEquals("0:a:0", after(a, "-map"));
        assertFalse(a.contains("-c:v"), a.toString());
        List<String> v = args(plan(Container.WEBM, true, AudioAction.NONE), ALL);
        assertFalse(v.contains("0:a:0") || v.contains("-c:a"), v.toString());
    }

    @Test
    void ffmpegsOwnOpusEncoderIsUsedWhenLibopusIsMissing() {
        RenditionCommand.Encoders own = new RenditionCommand.Encoders(Optional.of("opus"), Optional.of("aac"));
        List<String> a = args(plan(Container.WEBM, true, AudioAction.OPUS), own);
        assertEquals("opus", after(a, "-c:a"));
        assertEquals("-2", after(a, "-strict"));
        assertEquals("48000", after(a, "-ar"));
    }

    @Test
    void aMissingEncoderIsSaidBeforeAnythingRuns() {
        RenditionCommand.Encoders none = new RenditionCommand.Encoders(Optional.empty(), Optional.empty());
        RenditionPlan aac = plan(Container.MP4, true, AudioAction.AAC);
        assertEquals(Optional.of("this ffmpeg has no AAC encoder"), none.missingFor(aac));
        assertEquals(Optional.of("this ffmpeg has no Opus encoder"),
                none.missingFor(plan(Container.WEBM, true, AudioAction.OPUS)));
        assertEquals(Optional.empty(), none.missingFor(plan(Container.WEBM, true, AudioAction.COPY)));
        assertThrows(IllegalArgumentException.class, () -> args(aac, none));
    }
}
