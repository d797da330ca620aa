package io.callrec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.it.support.CallrecProcess;
import io.callrec.it.support.ItDirs;
import io.callrec.it.support.MediaFiles;
import io.callrec.it.support.Ports;
import io.callrec.it.support.Sipp;
import io.callrec.it.support.SippTrace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * The registrar, digest authentication and the routing rules, through the real server with SIPp
 * peers. One server with digest users serves the registrar tests (each test has its own user, and
 * counts registrations relative to its start); tests that need other flags start their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrarIT {

    private static final List<String> USERS = List.of("--user", "alice:alice-secret", "--user", "bob:bob-secret",
            "--user", "carol:carol-secret", "--user", "dave:dave-secret");
    private CallrecProcess callrec;

    @BeforeAll
    void start(TestInfo info) {
        callrec = CallrecProcess.builder(ItDirs.logDir(info)).args(USERS.toArray(String[]::new)).start();
    }

    @AfterAll
    void stop() {
        if (callrec != null) {
            assertEquals(0, callrec.stop(), "a clean SIGTERM stop exits 0\n" + callrec.logTail());
        }
    }

    @Test
    void registeredUserIsCalledAtTheContactItRegistered(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        int calleePort = Ports.freeUdpTcpPort();
        String contact = "sip:alice@127.0.0.1:" + calleePort;
        int before = registrations();
        try (Sipp register = register(dir, "alice", "alice-secret", "<" + contact + ">", 60).run()) {
            assertEquals(0, register.exitCode(), register.report() + callrec.logTail());
            SippTrace.Message ok = SippTrace.parse(register.messages()).received("SIP/2.0 200").get(0);
            assertTrue(ok.headerValues("Contact").stream().anyMatch(c -> c.contains(contact)), ok.text());
        }
        assertEquals(before + 1, registrations(), "one binding for alice");
        try (Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).localPort(calleePort).rtpEcho().start();
             Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).remote(callrec.sipPort()).service("alice")
                     .pcapAudio(MediaFiles.shortG711a()).pauseMillis(1000).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(0, uas.exitCode(), uas.report() + callrec.logTail());
            SippTrace.Message invite = SippTrace.parse(uas.messages()).received("INVITE").get(0);
            assertEquals(contact, invite.requestUri(), "the callee is reached at its registered contact");
        }
        callrec.awaitLog("INVITE sip:alice@127\\.0\\.0\\.1:" + callrec.sipPort() + " -> " + contact
                + "\\S* \\(registered alice\\)", Duration.ofSeconds(5));
        callrec.awaitLog("ended: BYE from caller", Duration.ofSeconds(5));
        unregister(dir, "alice", "alice-secret", "<" + contact + ">");
        assertEquals(before, registrations());
    }

    @Test
    void wrongPasswordIsRefusedWith403AndRegistersNothing(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        int before = registrations();
        try (Sipp register = Sipp.scenario("uac_register_forbidden.xml").logDir(dir).remote(callrec.sipPort())
                .service("dave").args("-au", "dave", "-ap", "not-dave-secret")
                .key("contact", "<sip:dave@127.0.0.1:" + Ports.freeUdpTcpPort() + ">").run()) {
            assertEquals(0, register.exitCode(), "401, then 403 for the wrong password\n" + register.report()
                    + callrec.logTail());
        }
        assertEquals(before, registrations(), "nothing registered");
        // dave is still unknown: a call to him is not routed anywhere.
        try (Sipp uac = Sipp.scenario("uac_expect_404.xml").logDir(dir).remote(callrec.sipPort()).service("dave").run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
        }
        callrec.awaitLog("digest authentication failed for user 'dave'", Duration.ofSeconds(5));
    }

    @Test
    void unregisterWithExpiresZeroRemovesTheBinding(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        String contact = "<sip:carol@127.0.0.1:" + Ports.freeUdpTcpPort() + ">";
        int before = registrations();
        try (Sipp register = register(dir, "carol", "carol-secret", contact, 60).run()) {
            assertEquals(0, register.exitCode(), register.report() + callrec.logTail());
        }
        assertEquals(before + 1, registrations());
        try (Sipp unregister = register(dir, "carol", "carol-secret", contact, 0).name("unregister").run()) {
            assertEquals(0, unregister.exitCode(), unregister.report() + callrec.logTail());
            SippTrace.Message ok = SippTrace.parse(unregister.messages()).received("SIP/2.0 200").get(0);
            assertEquals(List.of(), ok.headerValues("Contact"), "no binding left: " + ok.text());
        }
        assertEquals(before, registrations(), "health counts the binding as gone");
        try (Sipp uac = Sipp.scenario("uac_expect_404.xml").logDir(dir).remote(callrec.sipPort()).service("carol").run()) {
            assertEquals(0, uac.exitCode(), "carol is no longer reachable\n" + uac.report() + callrec.logTail());
        }
    }

    @Test
    void twoContactsOfOneAddressOfRecordAreBothListed(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        String first = "sip:bob@127.0.0.1:" + Ports.freeUdpTcpPort();
        String second = "sip:bob@127.0.0.1:" + Ports.freeUdpTcpPort();
        String both = "<" + first + ">, <" + second + ">";
        int before = registrations();
        try (Sipp register = register(dir, "bob", "bob-secret", both, 60).run()) {
            assertEquals(0, register.exitCode(), register.report() + callrec.logTail());
            SippTrace.Message ok = SippTrace.parse(register.messages()).received("SIP/2.0 200").get(0);
            String contacts = String.join(",", ok.headerValues("Contact"));
            assertTrue(contacts.contains("<" + first + ">") && contacts.contains("<" + second + ">"),
                    "both bindings in the 200: " + ok.text());
        }
        assertEquals(before + 2, registrations());
        unregister(dir, "bob", "bob-secret", both);
        assertEquals(before, registrations());
    }

    @Test
    void inviteFromLoopbackNeedsNoCredentials(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        // SIPp's built-in uac cannot answer a challenge: it only completes if none comes.
        try (Sipp uas = Sipp.builtin("uas").logDir(dir).start();
             Sipp uac = Sipp.builtin("uac").logDir(dir).outboundProxy(callrec.sipPort()).remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
            assertEquals(List.of(), SippTrace.parse(uac.messages()).received("SIP/2.0 407"));
        }
    }

    @Test
    void inviteFromOutsideTheTrustedPeersIsChallengedWith407(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        // 10.0.0.0/8 only appears in the configuration: no traffic goes there.
        try (CallrecProcess strict = CallrecProcess.builder(dir).args("--user", "alice:alice-secret",
                "--trusted-peers", "10.0.0.0/8").start();
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).start();
             Sipp uac = Sipp.scenario("uac_expect_407.xml").logDir(dir).outboundProxy(strict.sipPort())
                     .remote(uas.localPort()).run()) {
            assertEquals(0, uac.exitCode(), uac.report() + strict.logTail());
            assertTrue(uac.logs().contains("CHALLENGE Digest"), uac.logs());
            assertEquals(List.of(), SippTrace.parse(uas.messages()).received("INVITE"), "nothing reached the callee");
            assertEquals(0, strict.healthJson().at("/calls/total").asLong());
            assertEquals(0, strict.stop(), strict.logTail());
        }
    }

    @Test
    void unknownUserAtTheServersOwnAddressIs404(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (Sipp uac = Sipp.scenario("uac_expect_404.xml").logDir(dir).remote(callrec.sipPort()).service("nobody").run()) {
            assertEquals(0, uac.exitCode(), uac.report() + callrec.logTail());
        }
        callrec.awaitLog("rejected 404 for sip:nobody@127\\.0\\.0\\.1:" + callrec.sipPort(), Duration.ofSeconds(5));
    }

    @Test
    void loopbackHostOutsideDirectRoutingIs404AndTheCalleeGetsNothing(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        try (CallrecProcess narrow = CallrecProcess.builder(dir).args("--direct-routing", "127.0.0.1/32").start();
             Sipp uas = Sipp.scenario("uas_echo.xml").logDir(dir).localHost("127.0.0.2").start();
             Sipp uac = Sipp.scenario("uac_expect_404.xml").logDir(dir).outboundProxy(narrow.sipPort())
                     .remote("127.0.0.2:" + uas.localPort()).service("bob").run()) {
            assertEquals(0, uac.exitCode(), uac.report() + narrow.logTail());
            narrow.awaitLog("rejected 404 for sip:bob@127\\.0\\.0\\.2:" + uas.localPort(), Duration.ofSeconds(5));
            assertTrue(uas.isAlive(), "the callee is still waiting for its call\n" + uas.report());
            assertEquals(List.of(), SippTrace.parse(uas.messages()).messages(), "the callee on 127.0.0.2 received nothing");
            assertEquals(0, narrow.stop(), narrow.logTail());
        }
    }

    @Test
    void staticRouteKeepsTheDialledUserAndUpstreamTakesEveryOtherUser(TestInfo test) {
        Path dir = ItDirs.logDir(test);
        int routed = Ports.freeUdpTcpPort();
        int upstream = Ports.freeUdpTcpPort();
        try (CallrecProcess router = CallrecProcess.builder(dir).args("--route", "^9\\d+$=sip:127.0.0.1:" + routed,
                "--upstream", "sip:127.0.0.1:" + upstream).start();
             Sipp routeUas = Sipp.scenario("uas_echo.xml").logDir(dir).name("route_uas").localPort(routed).start();
             Sipp upstreamUas = Sipp.scenario("uas_echo.xml").logDir(dir).name("upstream_uas").localPort(upstream).start()) {
            try (Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).name("uac_9123").remote(router.sipPort())
                    .service("9123").pcapAudio(MediaFiles.shortG711a()).pauseMillis(200).run()) {
                assertEquals(0, uac.exitCode(), uac.report() + router.logTail());
            }
            assertEquals(0, routeUas.exitCode(), routeUas.report());
            assertEquals("sip:9123@127.0.0.1:" + routed,
                    SippTrace.parse(routeUas.messages()).received("INVITE").get(0).requestUri(),
                    "the route's target without a user gets the dialled one");
            router.awaitLog("-> sip:9123@127\\.0\\.0\\.1:" + routed + " \\(route 1\\)", Duration.ofSeconds(5));
            assertTrue(upstreamUas.isAlive(), "the routed call did not go upstream\n" + upstreamUas.report());

            try (Sipp uac = Sipp.scenario("uac_pcap.xml").logDir(dir).name("uac_carol").remote(router.sipPort())
                    .service("carol").pcapAudio(MediaFiles.shortG711a()).pauseMillis(200).run()) {
                assertEquals(0, uac.exitCode(), uac.report() + router.logTail());
            }
            assertEquals(0, upstreamUas.exitCode(), upstreamUas.report());
            assertEquals("sip:carol@127.0.0.1:" + upstream,
                    SippTrace.parse(upstreamUas.messages()).received("INVITE").get(0).requestUri());
            router.awaitLog("-> sip:carol@127\\.0\\.0\\.1:" + upstream + " \\(upstream\\)", Duration.ofSeconds(5));
            assertEquals(0, router.stop(), router.logTail());
        }
    }

    private Sipp.Builder register(Path dir, String user, String password, String contact, int expires) {
        return Sipp.scenario("uac_register.xml").logDir(dir).name("register_" + user + "_" + expires)
                .remote(callrec.sipPort()).service(user).args("-au", user, "-ap", password)
                .key("contact", contact).key("expires", Integer.toString(expires));
    }

    private void unregister(Path dir, String user, String password, String contact) {
        try (Sipp unregister = register(dir, user, password, contact, 0).run()) {
            assertEquals(0, unregister.exitCode(), unregister.report() + callrec.logTail());
        }
    }

    private int registrations() {
        return callrec.healthJson().at("/registrations").asInt();
    }
}
