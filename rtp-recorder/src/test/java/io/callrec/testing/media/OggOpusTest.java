package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OggOpusTest {

    @Test
    void packetDurationsComeFromTheToc() {
        assertEquals(960, OggOpus.samples(new byte[] {(byte) (31 << 3)}), "CELT 20 ms, one frame");
        assertEquals(1920, OggOpus.samples(new byte[] {(byte) (31 << 3 | 1)}), "two frames");
        assertEquals(1440, OggOpus.samples(new byte[] {(byte) 3, 3}), "SILK 10 ms, code 3 with three frames");
        assertEquals(2880, OggOpus.samples(new byte[] {(byte) (3 << 3)}), "SILK 60 ms");
        assertEquals(480, OggOpus.samples(new byte[] {(byte) (12 << 3)}), "hybrid 10 ms");
    }
}
