package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TrackCodecTest {

    private static EbmlReader.Element entry(TrackCodec codec) {
        EbmlBuffer out = new EbmlBuffer(256);
        new TrackEntry(3, 0x1234, "alice video", codec).writeTo(out);
        return EbmlReader.parse(out.toByteArray()).get(0);
    }

    @Test
    void h264CarriesAvcCAndPixelSize() {
        byte[] avcC = {1, 0x42, (byte) 0xC0, 0x1E, (byte) 0xFF, (byte) 0xE1};
        TrackCodec c = TrackCodec.of(TrackFormat.video(Codec.H264, 640, 480, avcC));
        assertEquals("V_MPEG4/ISO/AVC", c.codecId());
        assertArrayEquals(avcC, c.codecPrivate());
        EbmlReader.Element e = entry(c);
        assertEquals(3, e.uint(MatroskaIds.TRACK_NUMBER));
        assertEquals(0x1234, e.uint(MatroskaIds.TRACK_UID));
        assertEquals(MatroskaIds.TRACK_TYPE_VIDEO, e.uint(MatroskaIds.TRACK_TYPE));
        assertEquals(0, e.uint(MatroskaIds.FLAG_LACING));
        assertEquals("und", e.string(MatroskaIds.LANGUAGE));
        assertEquals("alice video", e.string(MatroskaIds.NAME));
        assertArrayEquals(avcC, e.child(MatroskaIds.CODEC_PRIVATE).data());
        assertEquals(640, e.child(MatroskaIds.VIDEO).uint(MatroskaIds.PIXEL_WIDTH));
        assertEquals(480, e.child(MatroskaIds.VIDEO).uint(MatroskaIds.PIXEL_HEIGHT));
        assertFalse(e.has(MatroskaIds.AUDIO));
    }

    @Test
    void unknownPixelSizeLeavesOutTheVideoElement() {
        EbmlReader.Element e = entry(TrackCodec.of(TrackFormat.video(Codec.VP8, 0, 0, null)));
        assertEquals("V_VP8", e.string(MatroskaIds.CODEC_ID));
        assertFalse(e.has(MatroskaIds.VIDEO));
        assertFalse(e.has(MatroskaIds.CODEC_PRIVATE));
    }

    @Test
    void opusWithoutHeadGetsAMinimalOne() {
        TrackCodec c = TrackCodec.of(TrackFormat.audio(Codec.OPUS, 48000, 48000, 2, null));
        assertEquals("A_OPUS", c.codecId());
        assertEquals("4f7075734865616401" + "02" + "0000" + "80bb0000" + "0000" + "00",
                HexFormat.of().formatHex(c.codecPrivate()));
        assertEquals(0, c.codecDelayNanos());
        assertEquals(80_000_000L, c.seekPreRollNanos());
        EbmlReader.Element e = entry(c);
        assertFalse(e.has(MatroskaIds.CODEC_DELAY));
        assertEquals(80_000_000L, e.uint(MatroskaIds.SEEK_PRE_ROLL));
        assertEquals(48000.0, e.child(MatroskaIds.AUDIO).child(MatroskaIds.SAMPLING_FREQUENCY).floatValue());
        assertEquals(2, e.child(MatroskaIds.AUDIO).uint(MatroskaIds.CHANNELS));
    }

    @Test
    void opusCodecDelayFollowsTheGivenHeadsPreSkip() {
        byte[] head = TrackCodec.opusHead(1, 48000);
        head[10] = 0x38; // pre-skip 312 samples, as libopus writes
        head[11] = 0x01;
        TrackCodec c = TrackCodec.of(TrackFormat.audio(Codec.OPUS, 48000, 48000, 1, head));
        assertArrayEquals(head, c.codecPrivate());
        assertEquals(6_500_000L, c.codecDelayNanos());
        assertEquals(6_500_000L, entry(c).uint(MatroskaIds.CODEC_DELAY));
    }

    @Test
    void pcmIsLittleEndianIntegerWithBitDepth16() {
        EbmlReader.Element e = entry(TrackCodec.of(TrackFormat.audio(Codec.PCM_S16LE, 8000, 8000, 1, null)));
        assertEquals("A_PCM/INT/LIT", e.string(MatroskaIds.CODEC_ID));
        EbmlReader.Element audio = e.child(MatroskaIds.AUDIO);
        assertEquals(8000.0, audio.child(MatroskaIds.SAMPLING_FREQUENCY).floatValue());
        assertEquals(1, audio.uint(MatroskaIds.CHANNELS));
        assertEquals(16, audio.uint(MatroskaIds.BIT_DEPTH));
        assertEquals(MatroskaIds.TRACK_TYPE_AUDIO, e.uint(MatroskaIds.TRACK_TYPE));
    }

    @Test
    void g722IsAnAcmTrackAt16kHzAsFfmpegWritesIt() {
        TrackCodec c = TrackCodec.of(TrackFormat.audio(Codec.G722, 8000, 16000, 1, null));
        assertEquals("A_MS/ACM", c.codecId());
        // WAVEFORMATEX: tag 0x028F, 1 channel, 16000 Hz, 8000 bytes/s, block align 1, 4 bits, no extra bytes.
        assertEquals("8f02" + "0100" + "803e0000" + "401f0000" + "0100" + "0400" + "0000",
                HexFormat.of().formatHex(c.codecPrivate()));
        assertEquals(16000.0, c.samplingFrequency());
    }

    @Test
    void g722WithoutSampleRateStillDeclares16kHz() {
        assertEquals(16000.0, TrackCodec.of(TrackFormat.audio(Codec.G722, 8000, 0, 1, null)).samplingFrequency());
    }

    /**
     * G.711 is stored as it came, as an ACM track (Matroska codec specification, A_MS/ACM: CodecPrivate is a
     * WAVEFORMATEX): tag 6 A-law / 7 µ-law, 8 bits a sample, one byte per sample and channel.
     */
    @Test
    void g711IsAnAcmTrackWithOneBytePerSample() {
        TrackCodec alaw = TrackCodec.of(TrackFormat.audio(Codec.PCMA, 8000, 8000, 1, null));
        // tag, channels, rate 8000, 8000 bytes/s, block align 1, 8 bits, no extra bytes.
        assertEquals("0600" + "0100" + "401f0000" + "401f0000" + "0100" + "0800" + "0000",
                HexFormat.of().formatHex(alaw.codecPrivate()));
        EbmlReader.Element e = entry(alaw);
        assertEquals("A_MS/ACM", e.string(MatroskaIds.CODEC_ID));
        assertEquals(MatroskaIds.TRACK_TYPE_AUDIO, e.uint(MatroskaIds.TRACK_TYPE));
        EbmlReader.Element audio = e.child(MatroskaIds.AUDIO);
        assertEquals(8000.0, audio.child(MatroskaIds.SAMPLING_FREQUENCY).floatValue());
        assertEquals(1, audio.uint(MatroskaIds.CHANNELS));
        assertEquals(8, audio.uint(MatroskaIds.BIT_DEPTH));

        TrackCodec stereoMulaw = TrackCodec.of(TrackFormat.audio(Codec.PCMU, 8000, 8000, 2, null));
        assertEquals("0700" + "0200" + "401f0000" + "803e0000" + "0200" + "0800" + "0000",
                HexFormat.of().formatHex(stereoMulaw.codecPrivate()));
        assertEquals(2, entry(stereoMulaw).child(MatroskaIds.AUDIO).uint(MatroskaIds.CHANNELS));
    }
}
