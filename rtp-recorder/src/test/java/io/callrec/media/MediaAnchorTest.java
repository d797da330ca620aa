package io.callrec.media;

import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelaySession;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import io.callrec.sdp.MediaDescription;
import io.callrec.sdp.SdpParseException;
import io.callrec.sdp.SessionDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaAnchorTest {
    private static final String OFFER = sdp("alice", 1, "127.0.0.1", 16000, "sendrecv", 16002);
    private static final String ANSWER = sdp("bob", 7, "127.0.0.1", 17000, "sendrecv", 0);

    private RtpRelay relay;
    private RelaySession session;
    private MediaAnchor anchor;

    @BeforeEach
    void start() throws Exception {
        relay = RtpRelay.start(RelayConfig.defaults(InetAddress.getLoopbackAddress()).withPorts(25600, 25699));
        session = relay.openSession("test", (s, idle) -> { });
        anchor = new MediaAnchor(session, "127.0.0.1", Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private static String sdp(String user, int version, String addr, int audioPort, String direction, int videoPort) {
        return "v=0\r\no=" + user + " 42 " + version + " IN IP4 " + addr + "\r\ns=-\r\nc=IN IP4 " + addr + "\r\nt=0 0\r\n"
                + "m=audio " + audioPort + " RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                + "a=" + direction + "\r\n"
                + "m=video " + videoPort + " RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=" + direction + "\r\n";
    }

    @Test
    void offerAndAnswerEachNameTheSocketFacingTheirReceiver() throws Exception {
        SessionDescription toB = SessionDescription.parse(anchor.relay(Side.A, OFFER));
        RelayStream audio = session.existing(0).orElseThrow();
        MediaDescription audioForB = toB.media().get(0);
        assertEquals(audio.localRtp(Side.B).getPort(), audioForB.port(), "B must send to the socket facing B");
        assertEquals("127.0.0.1", toB.connection().orElseThrow().address());
        assertEquals(2, session.streams().size());

        SessionDescription toA = SessionDescription.parse(anchor.relay(Side.B, ANSWER));
        assertEquals(audio.localRtp(Side.A).getPort(), toA.media().get(0).port(), "A must send to the socket facing A");
        assertEquals(0, toA.media().get(1).port(), "the rejected video stays rejected toward A");
        assertTrue(session.existing(1).isEmpty(), "the rejected m-line's ports are freed");
        assertEquals(4, relay.portsInUse(), "one stream left: a pair per side");
    }

    @Test
    void anUnchangedRefreshReturnsTheSameSdpAndKeepsPorts() throws Exception {
        String first = anchor.relay(Side.A, OFFER);
        int port = session.existing(0).orElseThrow().localRtp(Side.B).getPort();
        assertSame(first, anchor.relay(Side.A, OFFER));
        assertEquals(port, session.existing(0).orElseThrow().localRtp(Side.B).getPort());
    }

    @Test
    void holdStretchesTheInactivityTimeoutAndResumeRestoresIt() throws Exception {
        anchor.relay(Side.A, OFFER);
        anchor.relay(Side.B, sdp("bob", 7, "127.0.0.1", 17000, "sendrecv", 17002));
        assertFalse(anchor.onHold());
        assertEquals(Duration.ofSeconds(60), session.inactivityTimeout());
        anchor.relay(Side.A, sdp("alice", 2, "127.0.0.1", 16000, "sendonly", 16002));
        assertTrue(anchor.onHold());
        assertEquals(MediaAnchor.HOLD_TIMEOUT.plusSeconds(60), session.inactivityTimeout());
        anchor.relay(Side.A, sdp("alice", 3, "127.0.0.1", 16000, "sendrecv", 16002));
        assertFalse(anchor.onHold());
        assertEquals(Duration.ofSeconds(60), session.inactivityTimeout());
        anchor.relay(Side.B, sdp("bob", 8, "0.0.0.0", 17000, "sendrecv", 17002));
        assertTrue(anchor.onHold(), "c=0.0.0.0 is the old way to hold");
    }

    @Test
    void aChangedAddressMovesTheRemote() throws Exception {
        anchor.relay(Side.A, OFFER);
        anchor.relay(Side.A, sdp("alice", 2, "127.0.0.1", 16100, "sendrecv", 16102));
        RelayStream audio = session.existing(0).orElseThrow();
        // The relay only reveals the declared remote through latching; a packet from the new port latches at once.
        try (var socket = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 16100))) {
            byte[] rtp = new byte[] {(byte) 0x80, 8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3};
            socket.send(new java.net.DatagramPacket(rtp, rtp.length, audio.localRtp(Side.A)));
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (audio.latchedSource(Side.A).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertEquals(new InetSocketAddress("127.0.0.1", 16100), audio.latchedSource(Side.A).orElseThrow());
    }

    @Test
    void malformedSdpIsRefusedWithoutTouchingTheRelay() {
        assertThrows(SdpParseException.class, () -> anchor.relay(Side.A, "v=0\r\nm=audio x RTP/AVP 0\r\n"));
        assertEquals(0, relay.portsInUse());
    }
}
