package io.callrec.testing.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IvfReaderTest {

    private static byte[] ivf(byte[]... frames) {
        int length = 32;
        for (byte[] frame : frames) {
            length += 12 + frame.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("DKIF".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).putShort((short) 32)
                .put("VP80".getBytes(StandardCharsets.US_ASCII)).putShort((short) 320).putShort((short) 240)
                .putInt(25).putInt(1).putInt(frames.length).putInt(0);
        long pts = 0;
        for (byte[] frame : frames) {
            b.putInt(frame.length).putLong(pts++).put(frame);
        }
        return b.array();
    }

    @Test
    void readsHeaderAndFrames() {
        byte[] file = ivf(new byte[] {1, 2, 3}, new byte[] {4});
        IvfReader.Header header = IvfReader.header(file);
        assertEquals(new IvfReader.Header("VP80", 320, 240, 25, 1, 2), header);
        List<IvfReader.Frame> frames = IvfReader.frames(file);
        assertEquals(2, frames.size());
        assertArrayEquals(new byte[] {1, 2, 3}, frames.get(0).data());
        assertEquals(1, frames.get(1).pts());
    }

    @Test
    void refusesWhatIsNotIvfOrIsCut() {
        assertThrows(IllegalArgumentException.class, () -> IvfReader.header(new byte[40]));
        byte[] file = ivf(new byte[] {1, 2, 3});
        byte[] cut = java.util.Arrays.copyOf(file, file.length - 1);
        assertThrows(IllegalArgumentException.class, () -> IvfReader.frames(cut));
    }
}
