package io.callrec.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DepacketizersTest {

    @Test
    void picksTheDepacketizerByEncodingNameInAnyCase() {
        assertInstanceOf(H264Depacketizer.class, Depacketizers.create("h264", 90000, 1, Map.of()).orElseThrow());
        assertInstanceOf(Vp8Depacketizer.class, Depacketizers.create("VP8", 90000, 1, Map.of()).orElseThrow());
        assertInstanceOf(OpusDepacketizer.class, Depacketizers.create("opus", 48000, 2, Map.of()).orElseThrow());
        assertInstanceOf(G711Depacketizer.class, Depacketizers.create("PCMA", 8000, 1, Map.of()).orElseThrow());
        assertInstanceOf(G711Depacketizer.class, Depacketizers.create("pcmu", 8000, 1, Map.of()).orElseThrow());
        assertInstanceOf(G722Depacketizer.class, Depacketizers.create("G722", 8000, 1, Map.of()).orElseThrow());
    }

    @Test
    void nothingForCodecsThatAreNotRecordedAsTracks() {
        assertTrue(Depacketizers.create("telephone-event", 8000, 1, Map.of()).isEmpty());
        assertTrue(Depacketizers.create("G729", 8000, 1, Map.of()).isEmpty());
        assertTrue(Depacketizers.create("VP9", 90000, 1, Map.of()).isEmpty());
        assertTrue(Depacketizers.create("L16LE", 8000, 1, Map.of()).isEmpty(), "callrec's own storage codec");
    }

    @Test
    void nothingForAClockRateTheCodecDoesNotHave() {
        assertTrue(Depacketizers.create("PCMU", 16000, 1, Map.of()).isEmpty());
        assertTrue(Depacketizers.create("G722", 16000, 1, Map.of()).isEmpty());
        assertTrue(Depacketizers.create("H264", 8000, 1, Map.of()).isEmpty());
        assertTrue(Depacketizers.create("opus", 16000, 1, Map.of()).isEmpty());
    }

    @Test
    void h264TakesSpropAndRefusesInterleavedMode() {
        Depacketizer h264 = Depacketizers.create("H264", 90000, 1, Depacketizers.fmtpParameters(
                "packetization-mode=1; sprop-parameter-sets=Z0LAHtoCgL/lwEQAAAMABAAAAwDIPFi6gA==,aM4PyA==;"
                        + " profile-level-id=42C01E")).orElseThrow();
        assertNotNull(h264.format());
        assertEquals(640, h264.format().width());
        assertTrue(Depacketizers.create("H264", 90000, 1, Map.of("packetization-mode", "2")).isEmpty());
        assertTrue(Depacketizers.create("H264", 90000, 1, Map.of("Packetization-Mode", "0")).isPresent());
    }

    @Test
    void opusIsMonoOnlyWhenBothSidesOfTheFmtpSaySo() {
        assertEquals(2, channels(Map.of()));
        assertEquals(2, channels(Map.of("stereo", "0")));
        assertEquals(2, channels(Map.of("sprop-stereo", "0")));
        assertEquals(2, channels(Map.of("stereo", "1", "sprop-stereo", "0")));
        assertEquals(1, channels(Map.of("stereo", "0", "sprop-stereo", "0")));
        assertEquals(1, channels(Depacketizers.fmtpParameters("minptime=10;useinbandfec=1; Stereo=0;SPROP-STEREO=0")));
    }

    private static int channels(Map<String, String> fmtp) {
        return Depacketizers.create("opus", 48000, 2, fmtp).orElseThrow().format().channels();
    }

    @Test
    void g711KeepsItsChannelCount() {
        assertEquals(2, Depacketizers.create("PCMA", 8000, 2, Map.of()).orElseThrow().format().channels());
        assertEquals(Codec.PCMA, Depacketizers.create("PCMA", 8000, 1, Map.of()).orElseThrow().format().codec());
        assertEquals(Codec.PCMU, Depacketizers.create("PCMU", 8000, 1, Map.of()).orElseThrow().format().codec());
    }

    @Test
    void fmtpParametersKeepBase64PaddingAndBareNames() {
        Map<String, String> parameters = Depacketizers.fmtpParameters(" a=1;b = x== ;flag;;");
        assertEquals(Map.of("a", "1", "b", "x==", "flag", ""), parameters);
        assertTrue(Depacketizers.fmtpParameters(null).isEmpty());
    }
}
