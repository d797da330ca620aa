package io.callrec.rendition;

import io.callrec.rendition.RenditionPlan.AudioAction;
import io.callrec.rendition.RenditionPlan.Container;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenditionChoiceTest {
    private static final String AVC = "avc1.42C01F";

    private static Optional<String> codec(String c) {
        return c == null || c.isEmpty() ? Optional.empty() : Optional.of(c);
    }

    /** Every codec set the recorder can store, and what becomes of it. */
    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            vp8  | opus      | peer.webm | WEBM | COPY | video/webm; codecs="vp8, opus"
            vp8  | pcm_s16le | peer.webm | WEBM | OPUS | video/webm; codecs="vp8, opus"
            vp8  | pcm_alaw  | peer.webm | WEBM | OPUS | video/webm; codecs="vp8, opus"
            vp8  | pcm_mulaw | peer.webm | WEBM | OPUS | video/webm; codecs="vp8, opus"
            vp8  | g722      | peer.webm | WEBM | OPUS | video/webm; codecs="vp8, opus"
            vp8  | -         | peer.webm | WEBM | NONE | video/webm; codecs="vp8"
            h264 | pcm_s16le | peer.mp4  | MP4  | AAC  | video/mp4; codecs="avc1.42C01F, mp4a.40.2"
            h264 | pcm_alaw  | peer.mp4  | MP4  | AAC  | video/mp4; codecs="avc1.42C01F, mp4a.40.2"
            h264 | pcm_mulaw | peer.mp4  | MP4  | AAC  | video/mp4; codecs="avc1.42C01F, mp4a.40.2"
            h264 | g722      | peer.mp4  | MP4  | AAC  | video/mp4; codecs="avc1.42C01F, mp4a.40.2"
            h264 | opus      | peer.mp4  | MP4  | COPY | video/mp4; codecs="avc1.42C01F, opus"
            h264 | -         | peer.mp4  | MP4  | NONE | video/mp4; codecs="avc1.42C01F"
            H264 | PCM_S16LE | peer.mp4  | MP4  | AAC  | video/mp4; codecs="avc1.42C01F, mp4a.40.2"
            -    | opus      | peer.webm | WEBM | COPY | audio/webm; codecs="opus"
            -    | pcm_s16le | peer.mp4  | MP4  | AAC  | audio/mp4; codecs="mp4a.40.2"
            -    | pcm_alaw  | peer.mp4  | MP4  | AAC  | audio/mp4; codecs="mp4a.40.2"
            -    | pcm_mulaw | peer.mp4  | MP4  | AAC  | audio/mp4; codecs="mp4a.40.2"
            -    | g722      | peer.mp4  | MP4  | AAC  | audio/mp4; codecs="mp4a.40.2"
            """)
    void eachCodecSetGetsOneRemuxWithAudioEncodedOnlyWhereTheContainerNeedsIt(String video, String audio,
                                                                               String name, Container container,
                                                                               AudioAction action, String type) {
        RenditionChoice.Choice choice = RenditionChoice.choose(new SourceFile("peer.mkv", "peer", codec(video),
                codec(audio)));
        RenditionPlan plan = assertInstanceOf(RenditionChoice.Make.class, choice).plan();
        assertEquals("peer.mkv", plan.source());
        assertEquals(name, plan.name());
        assertEquals("peer", plan.party());
        assertEquals(container, plan.container());
        assertEquals(action, plan.audio());
        assertEquals(video != null, plan.video(), "video is kept, and only ever copied");
        assertEquals(action == AudioAction.OPUS || action == AudioAction.AAC, plan.transcodes());
        assertEquals(type, plan.mimeType(AVC));
    }

    @Test
    void videoNoBrowserContainerTakesWithoutTranscodingGetsNoRendition() {
        RenditionChoice.Choice choice = RenditionChoice.choose(new SourceFile("peer.mkv", "peer", Optional.of("hevc"),
                Optional.of("opus")));
        RenditionChoice.Skip skip = assertInstanceOf(RenditionChoice.Skip.class, choice);
        assertEquals("peer.mkv", skip.source());
        assertTrue(skip.reason().contains("hevc"), skip.reason());
    }

    @Test
    void aFileWithoutTracksGetsNoRendition() {
        assertInstanceOf(RenditionChoice.Skip.class, RenditionChoice.choose(new SourceFile("combined.mkv", "both",
                Optional.empty(), Optional.empty())));
    }

    @Test
    void theRenditionIsNamedAfterItsSource() {
        RenditionPlan plan = ((RenditionChoice.Make) RenditionChoice.choose(new SourceFile("combined.mkv", "both",
                Optional.of("h264"), Optional.of("pcm_alaw")))).plan();
        assertEquals("combined.mp4", plan.name());
        assertEquals("both", plan.party());
        assertEquals("x", new SourceFile("x", "peer", Optional.empty(), Optional.empty()).baseName());
    }

    @Test
    void aPlanMustKeepSomething() {
        assertThrows(IllegalArgumentException.class, () -> new RenditionPlan("a.mkv", "a.mp4", "peer", Container.MP4,
                false, AudioAction.NONE, null));
        assertThrows(IllegalArgumentException.class, () -> new RenditionPlan("a.mkv", "a.mp4", "peer", Container.MP4,
                true, AudioAction.NONE, null));
        assertFalse(new RenditionPlan("a.mkv", "a.webm", "peer", Container.WEBM, true, AudioAction.COPY, "vp8")
                .transcodes());
    }
}
