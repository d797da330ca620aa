package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegRtpTest {
    private static final Path DIR = Path.of("target", "ffmpeg-rtp");

    @Test
    void capturesEveryPacketOfAnAudioStreamWithItsSdp() {
        FfmpegRtp.Capture capture = FfmpegRtp.send(DIR,
                List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=1"),
                List.of("-c:a", "pcm_mulaw", "-ssrc", "4660"));

        assertFalse(capture.rtp().isEmpty());
        assertEquals(0, capture.sequenceGaps());
        assertEquals(0, capture.outOfOrder());
        int payloadBytes = 0;
        for (FfmpegRtp.Packet packet : capture.rtp()) {
            assertEquals(0, packet.payloadType(), "PCMU");
            assertEquals(4660, packet.ssrc());
            payloadBytes += packet.payload().remaining();
        }
        assertEquals(8000, payloadBytes, "one second of 8 kHz µ-law");
        FfmpegRtp.Packet first = capture.rtp().get(0);
        FfmpegRtp.Packet second = capture.rtp().get(1);
        assertEquals(first.payload().remaining(), second.timestamp() - first.timestamp());
        assertTrue(capture.sdp().contains("m=audio "), capture.sdp());
        assertTrue(capture.sdp().contains(" RTP/AVP 0"), capture.sdp());
        assertFalse(capture.rtcp().isEmpty(), "ffmpeg sends a sender report at the start");
        assertEquals(200, capture.rtcp().get(0).datagram()[1] & 0xff, "RTCP SR");
    }

    @Test
    void arrivalNumbersFollowTheOrderOfReception() {
        FfmpegRtp.Capture capture = FfmpegRtp.send(DIR,
                List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=0.2"),
                List.of("-c:a", "pcm_alaw"));
        List<FfmpegRtp.Packet> rtp = capture.rtp();
        for (int i = 1; i < rtp.size(); i++) {
            assertTrue(rtp.get(i).arrival() > rtp.get(i - 1).arrival());
            assertTrue(rtp.get(i).arrivalNanos() >= rtp.get(i - 1).arrivalNanos());
        }
    }

    @Test
    void aFailingFfmpegIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FfmpegRtp.send(DIR,
                List.of("-i", DIR.resolve("no-such-file.wav").toString()), List.of("-c", "copy")));
        assertTrue(e.getMessage().contains("no-such-file.wav"), e.getMessage());
    }
}
