package io.callrec.record.mkv;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callrec.media.codec.Codec;
import io.callrec.media.codec.TrackFormat;
import org.junit.jupiter.api.Test;

class TrackEntryTest {
    private static final TrackCodec PCM = TrackCodec.of(TrackFormat.audio(Codec.PCM_S16LE, 8000, 8000, 1, null));

    @Test
    void numberAndUidMustBeValid() {
        assertThrows(IllegalArgumentException.class, () -> new TrackEntry(0, 1, "", PCM));
        assertThrows(IllegalArgumentException.class, () -> new TrackEntry(1, 0, "", PCM));
        assertThrows(NullPointerException.class, () -> new TrackEntry(1, 1, null, PCM));
    }

    @Test
    void anEmptyNameIsLeftOut() {
        EbmlBuffer out = new EbmlBuffer(64);
        new TrackEntry(1, 1, "", PCM).writeTo(out);
        assertFalse(EbmlReader.parse(out.toByteArray()).get(0).has(MatroskaIds.NAME));
    }
}
