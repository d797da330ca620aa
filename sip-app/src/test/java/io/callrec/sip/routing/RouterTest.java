package io.callrec.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.callrec.config.ConfigLoader;
import io.callrec.config.ServerConfig;
import io.callrec.sip.registrar.AddressOfRecord;
import io.callrec.sip.registrar.Binding;
import io.callrec.sip.registrar.ContactRequest;
import io.callrec.sip.registrar.Registrar;
import io.callrec.sip.registrar.RegistrationOutcome;
import io.callrec.sip.registrar.RegistrationRequest;
import io.callrec.testing.MutableClock;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final Registrar registrar = new Registrar(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));

    @Test
    void registeredUserBeatsStaticRouteWhichBeatsDirectRouting() throws Exception {
        Router router = router("--route", "^bob$=sip:pbx.example.net");
        String dialled = "sip:bob@127.0.0.1:5080";
        assertEquals(new RouteDecision.ToUri("sip:bob@pbx.example.net", "route 1"), router.route(dialled));
        register("bob", "sip:bob@127.0.0.1:5074");
        RouteDecision registered = router.route(dialled);
        List<Binding> bindings = assertInstanceOf(RouteDecision.ToRegistered.class, registered).bindings();
        assertEquals(List.of("sip:bob@127.0.0.1:5074"), bindings.stream().map(Binding::contactUri).toList());
        assertEquals(new RouteDecision.ToUri("sip:carol@127.0.0.1:5080", "direct"),
                router.route("sip:carol@127.0.0.1:5080"));
    }

    @Test
    void registeredUserIsFoundWhateverHostWasDialled() throws Exception {
        register("bob", "sip:bob@10.0.0.7:5074");
        Router router = router();
        assertInstanceOf(RouteDecision.ToRegistered.class, router.route("sip:bob@127.0.0.1"));
        assertInstanceOf(RouteDecision.ToRegistered.class, router.route("sips:bob@192.0.2.99:5061"));
    }

    @Test
    void firstMatchingRouteWinsWithFullMatchAndItsNumberIsReported() throws Exception {
        Router router = router("--route", "^1\\d{3}$=sip:pbx.example.net", "--route", "1\\d+=sip:long.example.net",
                "--route", "99=sip:fixed@trunk.example.net;transport=tcp");
        assertEquals(new RouteDecision.ToUri("sip:1234@pbx.example.net", "route 1"), router.route("sip:1234@127.0.0.1"));
        assertEquals(new RouteDecision.ToUri("sip:12345@long.example.net", "route 2"), router.route("sip:12345@127.0.0.1"));
        assertEquals(new RouteDecision.ToUri("sip:fixed@trunk.example.net;transport=tcp", "route 3"),
                router.route("sip:99@127.0.0.1"));
        assertEquals(new RouteDecision.ToUri("sip:199x@127.0.0.1:5080", "direct"), router.route("sip:199x@127.0.0.1:5080"),
                "a regex must match the whole user, not a part of it");
    }

    @Test
    void upstreamTakesWhatNoRouteTakesAndGetsTheDialledUser() throws Exception {
        Router router = router("--route", "^1\\d{3}$=sip:pbx.example.net", "--upstream", "sip:gw.example.net:5080");
        assertEquals(new RouteDecision.ToUri("sip:1234@pbx.example.net", "route 1"), router.route("sip:1234@127.0.0.1"));
        assertEquals(new RouteDecision.ToUri("sip:alice@gw.example.net:5080", "upstream"),
                router.route("sip:alice@192.0.2.50"));
        assertEquals(new RouteDecision.ToUri("sip:carol@gw.example.net:5080", "upstream"),
                router.route("sip:carol@127.0.0.1:5080"), "upstream is part of rule 2, before direct routing");
    }

    @Test
    void directRoutingReturnsTheRequestUriItself() throws Exception {
        Router router = router();
        assertEquals(new RouteDecision.ToUri("sip:carol@127.0.0.1:5080;transport=tcp", "direct"),
                router.route("sip:carol@127.0.0.1:5080;transport=tcp"));
        assertEquals(new RouteDecision.ToUri("sip:127.0.0.2", "direct"), router.route("sip:127.0.0.2"));
        assertEquals(new RouteDecision.ToUri("sip:carol@localhost:5080", "direct"), router.route("sip:carol@localhost:5080"));
    }

    @Test
    void ipv6LiteralInsideDirectRouting() throws Exception {
        Router router = router();
        assertEquals(new RouteDecision.ToUri("sip:bob@[::1]:5080", "direct"), router.route("sip:bob@[::1]:5080"));
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:bob@[2001:db8::1]:5080"));
        Router v6 = router("--sip-host", "::1", "--direct-routing", "2001:db8::/32");
        assertEquals(new RouteDecision.ToUri("sip:bob@[2001:db8::1]:5080", "direct"), v6.route("sip:bob@[2001:db8::1]:5080"));
        assertInstanceOf(RouteDecision.NotFound.class, v6.route("sip:bob@[::1]:5080"));
    }

    @Test
    void hostsOutsideDirectRoutingAndHostNamesAreNotFound() throws Exception {
        Router router = router();
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:bob@192.0.2.1"));
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:bob@evil.example.net"));
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:bob@127.0.0.1.nip.io"));
        Router wide = router("--direct-routing", "192.0.2.0/24");
        assertEquals(new RouteDecision.ToUri("sip:bob@192.0.2.1", "direct"), wide.route("sip:bob@192.0.2.1"));
        assertInstanceOf(RouteDecision.NotFound.class, wide.route("sip:bob@127.0.0.1:5080"));
    }

    @Test
    void anUnknownUserAtTheServersOwnAddressIsNotFound() throws Exception {
        Router router = router();
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:carol@127.0.0.1:5060"));
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:carol@127.0.0.1"), "5060 is the default port");
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:carol@localhost"));
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:carol@127.0.0.1;transport=tcp"));
        assertEquals(new RouteDecision.ToUri("sip:carol@127.0.0.2", "direct"), router.route("sip:carol@127.0.0.2"),
                "another loopback address is another host when the server listens on 127.0.0.1 only");
        assertEquals(new RouteDecision.ToUri("sips:carol@127.0.0.1", "direct"), router.route("sips:carol@127.0.0.1"),
                "sips defaults to 5061, which is not the server's SIP port");
        Router onOtherPort = router("--sip-port", "5070");
        assertInstanceOf(RouteDecision.NotFound.class, onOtherPort.route("sip:carol@127.0.0.1:5070"));
        assertEquals(new RouteDecision.ToUri("sip:carol@127.0.0.1", "direct"), onOtherPort.route("sip:carol@127.0.0.1"));
    }

    @Test
    void serverOnAllAddressesOwnsEveryLocalAddress() throws Exception {
        Router router = router("--sip-host", "0.0.0.0", "--media-host", "127.0.0.1", "--public-url", "http://127.0.0.1:8080");
        assertInstanceOf(RouteDecision.NotFound.class, router.route("sip:carol@127.0.0.5"));
        assertEquals(new RouteDecision.ToUri("sip:carol@127.0.0.5:5080", "direct"), router.route("sip:carol@127.0.0.5:5080"));
    }

    @Test
    void routeOrUpstreamPointingAtTheServerIsALoop() throws Exception {
        assertInstanceOf(RouteDecision.Loop.class, router("--route", "^9$=sip:127.0.0.1:5060").route("sip:9@127.0.0.1:5080"));
        assertInstanceOf(RouteDecision.Loop.class, router("--upstream", "sip:localhost").route("sip:9@192.0.2.1"));
    }

    @Test
    void aTargetOnTheServersTlsPortIsALoopOnlyWhenTlsIsOn() throws Exception {
        assertInstanceOf(RouteDecision.Loop.class,
                router("--tls-self-signed", "--route", "^9$=sips:127.0.0.1").route("sip:9@127.0.0.1:5080"));
        assertInstanceOf(RouteDecision.Loop.class, router("--tls-self-signed", "--tls-port", "5071",
                "--route", "^9$=sip:127.0.0.1:5071;transport=tls").route("sip:9@127.0.0.1:5080"));
        assertEquals(new RouteDecision.ToUri("sips:9@127.0.0.1", "route 1"),
                router("--route", "^9$=sips:127.0.0.1").route("sip:9@127.0.0.1:5080"));
    }

    @Test
    void registeredContactsPointingAtTheServerAreSkipped() throws Exception {
        register("bob", "sip:bob@127.0.0.1:5060");
        assertInstanceOf(RouteDecision.Loop.class, router().route("sip:bob@127.0.0.1"));
        register("bob", "sip:bob@127.0.0.1:5074");
        List<Binding> bindings = assertInstanceOf(RouteDecision.ToRegistered.class, router().route("sip:bob@127.0.0.1"))
                .bindings();
        assertEquals(List.of("sip:bob@127.0.0.1:5074"), bindings.stream().map(Binding::contactUri).toList());
    }

    @Test
    void sipsTargetsKeepTheirScheme() throws Exception {
        Router router = router("--route", "^secure$=sips:pbx.example.net");
        assertEquals(new RouteDecision.ToUri("sips:secure@pbx.example.net", "route 1"), router.route("sips:secure@127.0.0.1"));
        assertEquals(new RouteDecision.ToUri("sips:carol@127.0.0.1:5081", "direct"), router.route("sips:carol@127.0.0.1:5081"));
    }

    @Test
    void telUrisOnlyUseStaticRoutesAndUpstream() throws Exception {
        register("+4930123", "sip:x@127.0.0.1:5074");
        Router noRoutes = router();
        assertInstanceOf(RouteDecision.NotFound.class, noRoutes.route("tel:+4930123"), "tel never goes to the registrar");
        Router routed = router("--route", "^\\+49\\d+$=sip:gw.example.net");
        assertEquals(new RouteDecision.ToUri("sip:+4930123@gw.example.net;user=phone", "route 1"),
                routed.route("tel:+4930123"));
        assertInstanceOf(RouteDecision.NotFound.class, routed.route("tel:0301234;phone-context=+49"));
        Router upstream = router("--upstream", "sip:pbx.example.net");
        assertEquals(new RouteDecision.ToUri("sip:0301234@pbx.example.net;user=phone", "upstream"),
                upstream.route("tel:0301234;phone-context=+49"));
    }

    @Test
    void otherSchemesAndGarbageAreNotFound() throws Exception {
        Router router = router("--upstream", "sip:pbx.example.net");
        assertInstanceOf(RouteDecision.NotFound.class, router.route("mailto:bob@127.0.0.1"));
        assertInstanceOf(RouteDecision.NotFound.class, router.route("not a uri"));
    }

    private Router router(String... args) throws Exception {
        ServerConfig config = ConfigLoader.load(args);
        return new Router(config, registrar);
    }

    private void register(String user, String contact) {
        RegistrationOutcome outcome = registrar.register(new RegistrationRequest(new AddressOfRecord(user, "127.0.0.1"),
                "call-" + contact, 1, List.of(ContactRequest.of(contact)), false, 1, OptionalInt.empty(),
                new InetSocketAddress("127.0.0.1", 5074), "udp"));
        assertInstanceOf(RegistrationOutcome.Accepted.class, outcome);
    }
}
