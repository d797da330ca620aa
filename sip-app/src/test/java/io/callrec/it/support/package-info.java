/**
 * Support for integration tests ({@code *IT}, run by failsafe in {@code mvn verify} after the
 * shaded {@code callrec.jar} is built): everything runs on loopback, on ports from {@link
 * io.callrec.it.support.Ports}, and leaves its logs in {@code sip-app/target/it-logs/<Test>.<method>/}.
 *
 * <ul>
 *   <li>{@link io.callrec.it.support.CallrecProcess}: the server from {@code callrec.jar}, healthy
 *       before the test starts, stopped with SIGTERM.</li>
 *   <li>{@link io.callrec.it.support.Sipp}: a SIPp scenario from {@code src/test/resources/sipp/}
 *       (each file's header says what it does and how to run it by hand).</li>
 *   <li>{@link io.callrec.it.support.Capture}: tcpdump on {@code lo}; {@link
 *       io.callrec.it.support.Tshark} reads pcaps into {@link io.callrec.it.support.UdpFlow}s and
 *       {@link io.callrec.it.support.RtpStream}s.</li>
 *   <li>{@link io.callrec.it.support.MediaFiles}: pcaps made with ffmpeg at test time.</li>
 *   <li>{@link io.callrec.it.support.SippTrace}: a SIPp message trace read back as messages with
 *       direction, transport and time.</li>
 *   <li>{@link io.callrec.it.support.SipProbe}: hand-written SIP bytes over a raw UDP socket or TCP
 *       connection (garbage, broken headers, requests outside any call), answers read as
 *       {@link io.callrec.it.support.SipResponse}s.</li>
 * </ul>
 *
 * A B2BUA call through callrec:
 * <pre>{@code
 * Path dir = ItDirs.logDir(testInfo);
 * try (CallrecProcess callrec = CallrecProcess.builder(dir).start();
 *      Capture capture = Capture.onLoopback(dir.resolve("rtp.pcap"), Capture.udpPortRanges(callrec.rtpPorts()));
 *      Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).rtpEcho().start();
 *      Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).outboundProxy(callrec.sipPort())
 *              .remote(uas.localPort()).pcapAudio(MediaFiles.SIPP_G711A_PCAP).pauseMillis(3000).run()) {
 *     assertEquals(0, uac.exitCode(), uac::report);
 *     assertEquals(0, uas.exitCode(), uas::report);
 *     List<RtpStream> streams = capture.rtpStreams();
 *     ...
 * }
 * }</pre>
 */
package io.callrec.it.support;
