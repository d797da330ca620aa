package io.callrec.media.codec;

import static io.callrec.media.codec.CollectedFrames.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PayloadParserTest {

    /** Emits each payload as a frame; a first byte of 0xee makes it fail the way a parser bug would. */
    private static final class Echo extends PayloadParser {
        int abandoned;
        boolean lastLoss;

        Echo() {
            super(16, 64);
        }

        @Override
        void parse(PayloadCursor payload, long timestamp, boolean marker, boolean lossBefore, FrameSink sink)
                throws MalformedPayloadException {
            lastLoss = lossBefore;
            if (payload.peekU8("first byte") == 0xee) {
                throw new IllegalStateException("bug");
            }
            payload.copyRestTo(frame);
            emit(sink, timestamp, true);
        }

        @Override
        void abandonPayload() {
            abandoned++;
        }

        @Override
        void finish(FrameSink sink) {
        }

        @Override
        public TrackFormat format() {
            return null;
        }
    }

    @Test
    void aSinkExceptionPropagatesUnchanged() {
        Echo echo = new Echo();
        IllegalStateException thrown = new IllegalStateException("disk full");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> echo.push(bytes(1), 0, true, false, (t, k, d) -> {
                    throw thrown;
                }));
        assertSame(thrown, e);
        assertEquals(0, echo.malformed(), "not the input's fault");
    }

    @Test
    void anUnexpectedParserExceptionIsCountedNotThrown() {
        Echo echo = new Echo();
        CollectedFrames sink = new CollectedFrames();
        echo.push(bytes(0xee), 0, false, false, sink);
        assertEquals(1, echo.discarded(Discard.PARSER_FAILURE));
        assertEquals(1, echo.malformed());
        assertEquals(1, echo.abandoned);
        assertEquals("java.lang.IllegalStateException: bug", echo.lastProblem());
    }

    @Test
    void theCursorNeverMovesTheCallersBuffer() {
        Echo echo = new Echo();
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {9, 1, 2, 3});
        payload.position(1);
        CollectedFrames sink = new CollectedFrames();
        echo.push(payload, 0, false, false, sink);
        assertEquals(1, payload.position());
        assertEquals(3, sink.only().data().length);
    }

    @Test
    void anOversizeFrameIsCountedAndNotEmitted() {
        Echo echo = new Echo();
        CollectedFrames sink = new CollectedFrames();
        echo.push(ByteBuffer.allocate(65), 7, false, false, sink);
        echo.push(ByteBuffer.allocate(64), 8, false, false, sink);
        assertEquals(1, echo.discarded(Discard.OVERSIZE_FRAME));
        assertEquals(8, sink.only().timestamp());
        assertTrue(echo.lastProblem().contains("exceeds 64 bytes"), echo.lastProblem());
        assertEquals(1, echo.frames());
    }

    @Test
    void lossReportedWithAnEmptyPayloadReachesTheNextOne() {
        Echo echo = new Echo();
        CollectedFrames sink = new CollectedFrames();
        echo.push(ByteBuffer.allocate(0), 0, false, true, sink);
        echo.push(ByteBuffer.allocate(0), 0, false, false, sink);
        echo.push(bytes(1), 0, false, false, sink);
        assertTrue(echo.lastLoss);
        echo.push(bytes(1), 0, false, false, sink);
        assertEquals(false, echo.lastLoss);
        assertEquals(2, echo.discarded(Discard.EMPTY_PAYLOAD));
    }
}
