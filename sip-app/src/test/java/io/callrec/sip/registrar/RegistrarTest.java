package io.callrec.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.sip.registrar.RegistrationOutcome.Accepted;
import io.callrec.sip.registrar.RegistrationOutcome.Rejected;
import io.callrec.testing.MutableClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegistrarTest {

    private static final AddressOfRecord BOB = new AddressOfRecord("bob", "127.0.0.1");
    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 5074);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Registrar registrar = new Registrar(clock);

    @Test
    void registerThenLookupByUserAndByAor() {
        Accepted ok = accepted(register(BOB, "c1", 1, OptionalInt.empty(), contact("sip:bob@127.0.0.1:5074")));
        assertEquals(1, ok.bindings().size());
        Binding b = ok.bindings().get(0);
        assertEquals("sip:bob@127.0.0.1:5074", b.contactUri());
        assertEquals(BOB, b.aor());
        assertEquals("c1", b.callId());
        assertEquals(1, b.cseq());
        assertEquals(SOURCE, b.source());
        assertEquals("udp", b.transport());
        assertEquals(clock.instant(), b.registeredAt());
        assertEquals(3600, b.remainingSeconds(clock.instant()));
        assertEquals(List.of(b), registrar.lookup("bob"));
        assertEquals(List.of(b), registrar.lookup(BOB));
        assertEquals(List.of(), registrar.lookup("alice"));
        assertEquals(1, registrar.count());
    }

    @Test
    void lookupByUserSpansDomainsAndDomainCaseDoesNotMatter() {
        register(new AddressOfRecord("bob", "Example.NET"), "c1", 1, OptionalInt.empty(), contact("sip:bob@10.0.0.1"));
        register(new AddressOfRecord("bob", "127.0.0.1"), "c2", 1, OptionalInt.empty(), contact("sip:bob@10.0.0.2"));
        assertEquals(2, registrar.lookup("bob").size());
        assertEquals(1, registrar.lookup(new AddressOfRecord("bob", "example.net")).size());
        assertEquals(0, registrar.lookup("Bob").size(), "the user part is case-sensitive (RFC 3261 19.1.4)");
    }

    @Test
    void contactExpiresParameterWinsOverHeaderAndValuesAreCapped() {
        Accepted ok = accepted(register(BOB, "c1", 1, OptionalInt.of(120),
                contact("sip:a@10.0.0.1"),
                withExpires("sip:b@10.0.0.2", 600),
                withExpires("sip:c@10.0.0.3", 100_000)));
        assertEquals(120, remaining(ok, "sip:a@10.0.0.1"));
        assertEquals(600, remaining(ok, "sip:b@10.0.0.2"));
        assertEquals(Registrar.MAX_EXPIRES, remaining(ok, "sip:c@10.0.0.3"));
    }

    @Test
    void intervalBelowMinExpiresIsRefusedAndChangesNothing() {
        Rejected r = rejected(register(BOB, "c1", 1, OptionalInt.empty(),
                contact("sip:a@10.0.0.1"), withExpires("sip:b@10.0.0.2", 59)));
        assertEquals(423, r.statusCode());
        assertEquals(0, registrar.count(), "all or nothing");
        assertEquals(423, rejected(register(BOB, "c1", 2, OptionalInt.of(1), contact("sip:a@10.0.0.1"))).statusCode());
        accepted(register(BOB, "c1", 3, OptionalInt.of(60), contact("sip:a@10.0.0.1")));
    }

    @Test
    void expiresZeroRemovesOneBindingByParameterOrHeader() {
        register(BOB, "c1", 1, OptionalInt.empty(), contact("sip:a@10.0.0.1"), contact("sip:b@10.0.0.2"),
                contact("sip:c@10.0.0.3"));
        Accepted afterParam = accepted(register(BOB, "c1", 2, OptionalInt.empty(), withExpires("sip:a@10.0.0.1", 0)));
        assertEquals(List.of("sip:b@10.0.0.2", "sip:c@10.0.0.3"), uris(afterParam).stream().sorted().toList());
        Accepted afterHeader = accepted(register(BOB, "c1", 3, OptionalInt.of(0), contact("sip:b@10.0.0.2")));
        assertEquals(List.of("sip:c@10.0.0.3"), uris(afterHeader));
    }

    @Test
    void wildcardWithExpiresZeroRemovesAll() {
        register(BOB, "c1", 1, OptionalInt.empty(), contact("sip:a@10.0.0.1"), contact("sip:b@10.0.0.2"));
        Accepted ok = accepted(registrar.register(wildcard(BOB, "c1", 2, OptionalInt.of(0), 1)));
        assertEquals(List.of(), ok.bindings());
        assertEquals(0, registrar.count());
    }

    @Test
    void wildcardMustBeAloneWithExpiresZero() {
        register(BOB, "c1", 1, OptionalInt.empty(), contact("sip:a@10.0.0.1"));
        assertEquals(400, rejected(registrar.register(wildcard(BOB, "c1", 2, OptionalInt.empty(), 1))).statusCode());
        assertEquals(400, rejected(registrar.register(wildcard(BOB, "c1", 3, OptionalInt.of(60), 1))).statusCode());
        assertEquals(400, rejected(registrar.register(wildcard(BOB, "c1", 4, OptionalInt.of(0), 2))).statusCode());
        assertEquals(1, registrar.count());
    }

    @Test
    void sameCallIdWithoutHigherCseqIsRefusedWith500() {
        register(BOB, "c1", 5, OptionalInt.empty(), contact("sip:a@10.0.0.1"));
        assertEquals(500, rejected(register(BOB, "c1", 5, OptionalInt.of(0), contact("sip:a@10.0.0.1"))).statusCode());
        assertEquals(500, rejected(register(BOB, "c1", 4, OptionalInt.empty(), contact("sip:a@10.0.0.1"))).statusCode());
        assertEquals(500, rejected(registrar.register(wildcard(BOB, "c1", 3, OptionalInt.of(0), 1))).statusCode());
        assertEquals(1, registrar.count());
        // Another Call-ID (a rebooted UA) may replace the binding whatever its CSeq.
        Accepted ok = accepted(register(BOB, "c2", 1, OptionalInt.of(300), contact("sip:a@10.0.0.1")));
        assertEquals("c2", ok.bindings().get(0).callId());
        assertEquals(300, ok.bindings().get(0).remainingSeconds(clock.instant()));
    }

    @Test
    void queryWithoutContactListsCurrentBindingsAndChangesNothing() {
        register(BOB, "c1", 1, OptionalInt.empty(), contact("sip:a@10.0.0.1"));
        clock.advance(Duration.ofSeconds(100));
        Accepted query = accepted(register(BOB, "other", 1, OptionalInt.empty()));
        assertEquals(List.of("sip:a@10.0.0.1"), uris(query));
        assertEquals(3500, query.bindings().get(0).remainingSeconds(clock.instant()));
    }

    @Test
    void refreshRestartsTheIntervalAndKeepsOneBinding() {
        register(BOB, "c1", 1, OptionalInt.of(600), contact("sip:a@10.0.0.1"));
        clock.advance(Duration.ofSeconds(500));
        Accepted ok = accepted(register(BOB, "c1", 2, OptionalInt.of(600), contact("sip:a@10.0.0.1")));
        assertEquals(1, ok.bindings().size());
        assertEquals(600, ok.bindings().get(0).remainingSeconds(clock.instant()));
        assertEquals(2, ok.bindings().get(0).cseq());
    }

    @Test
    void expiredBindingsVanishOnLookupAndPurge() {
        register(BOB, "c1", 1, OptionalInt.of(60), contact("sip:a@10.0.0.1"));
        register(new AddressOfRecord("carol", "h"), "c2", 1, OptionalInt.of(120), contact("sip:c@10.0.0.3"));
        clock.advance(Duration.ofSeconds(59));
        assertEquals(1, registrar.lookup("bob").size());
        assertEquals(1, registrar.lookup("bob").get(0).remainingSeconds(clock.instant()));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), registrar.lookup("bob"));
        assertEquals(1, registrar.count());
        clock.advance(Duration.ofSeconds(60));
        assertEquals(1, registrar.purgeExpired());
        assertEquals(0, registrar.count());
        assertEquals(0, registrar.purgeExpired());
    }

    @Test
    void lookupSortsByQDescendingThenNewestFirst() {
        register(BOB, "c1", 1, OptionalInt.empty(), withQ("sip:low@10.0.0.1", 0.1));
        clock.advance(Duration.ofSeconds(1));
        register(BOB, "c2", 1, OptionalInt.empty(), contact("sip:old@10.0.0.2"));
        clock.advance(Duration.ofSeconds(1));
        register(BOB, "c3", 1, OptionalInt.empty(), contact("sip:new@10.0.0.3"));
        clock.advance(Duration.ofSeconds(1));
        register(BOB, "c4", 1, OptionalInt.empty(), withQ("sip:mid@10.0.0.4", 0.5));
        assertEquals(List.of("sip:new@10.0.0.3", "sip:old@10.0.0.2", "sip:mid@10.0.0.4", "sip:low@10.0.0.1"),
                uris(registrar.lookup("bob")));
    }

    @Test
    void qOutsideZeroToOneIsABadRequest() {
        assertEquals(400, rejected(register(BOB, "c1", 1, OptionalInt.empty(), withQ("sip:a@10.0.0.1", 1.5))).statusCode());
    }

    @Test
    void instanceIdIdentifiesTheBindingWhenTheContactChanges() {
        ContactRequest first = new ContactRequest("sip:bob@10.0.0.1:5074", OptionalInt.empty(), OptionalDouble.empty(),
                Optional.of("<urn:uuid:1>"), OptionalInt.of(1));
        ContactRequest moved = new ContactRequest("sip:bob@10.0.0.9:6000", OptionalInt.empty(), OptionalDouble.empty(),
                Optional.of("<urn:uuid:1>"), OptionalInt.of(1));
        ContactRequest secondFlow = new ContactRequest("sip:bob@10.0.0.9:6001", OptionalInt.empty(), OptionalDouble.empty(),
                Optional.of("<urn:uuid:1>"), OptionalInt.of(2));
        register(BOB, "c1", 1, OptionalInt.empty(), first);
        Accepted ok = accepted(register(BOB, "c1", 2, OptionalInt.empty(), moved, secondFlow));
        assertEquals(List.of("sip:bob@10.0.0.9:6000", "sip:bob@10.0.0.9:6001"), uris(ok).stream().sorted().toList());
        assertEquals(Optional.of("<urn:uuid:1>"), ok.bindings().get(0).instanceId());
    }

    @Test
    void tooManyBindingsForOneAorAreRefused() {
        List<ContactRequest> contacts = new ArrayList<>();
        for (int i = 0; i <= Registrar.MAX_BINDINGS_PER_AOR; i++) {
            contacts.add(contact("sip:bob@10.0.1." + i));
        }
        Rejected r = rejected(register(BOB, "c1", 1, OptionalInt.empty(), contacts.toArray(ContactRequest[]::new)));
        assertEquals(403, r.statusCode());
        assertEquals(0, registrar.count());
    }

    @Test
    void listenerHearsAdditionsAndRefreshesButNotQueriesOrRemovals() {
        List<String> heard = new ArrayList<>();
        registrar.addListener((aor, bindings) -> heard.add(aor + " " + uris(bindings)));
        registrar.addListener((aor, bindings) -> {
            throw new IllegalStateException("a broken listener must not break the REGISTER");
        });
        accepted(register(BOB, "c1", 1, OptionalInt.empty(), contact("sip:a@10.0.0.1")));
        accepted(register(BOB, "c1", 2, OptionalInt.empty(), contact("sip:a@10.0.0.1")));
        accepted(register(BOB, "c1", 3, OptionalInt.empty()));
        accepted(register(BOB, "c1", 4, OptionalInt.of(0), contact("sip:a@10.0.0.1")));
        assertEquals(List.of("sip:bob@127.0.0.1 [sip:a@10.0.0.1]", "sip:bob@127.0.0.1 [sip:a@10.0.0.1]"), heard);
    }

    @Test
    void concurrentRegistrationsAreAllKept() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RegistrationOutcome>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                AddressOfRecord aor = new AddressOfRecord("user" + (i % 10), "h");
                String uri = "sip:u@10.0.0." + i;
                int n = i;
                results.add(pool.submit(() -> registrar.register(
                        new RegistrationRequest(aor, "call" + n, 1, List.of(contact(uri)), false, 1,
                                OptionalInt.empty(), SOURCE, "udp"))));
            }
            for (Future<RegistrationOutcome> result : results) {
                assertInstanceOf(Accepted.class, result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, registrar.count());
        assertEquals(20, registrar.lookup("user3").size());
    }

    @Test
    void aFullRegistrarRefusesNewAddressesOfRecordButKeepsServingTheOnesItHas() {
        Registrar small = new Registrar(clock, 2);
        AddressOfRecord alice = new AddressOfRecord("alice", "127.0.0.1");
        AddressOfRecord carol = new AddressOfRecord("carol", "127.0.0.1");
        accepted(small.register(request(BOB, "b", 1, OptionalInt.empty(), contact("sip:bob@10.0.0.1"))));
        accepted(small.register(request(alice, "a", 1, OptionalInt.of(60), contact("sip:alice@10.0.0.2"))));
        RegistrationOutcome full = small.register(request(carol, "c", 1, OptionalInt.empty(),
                contact("sip:carol@10.0.0.3")));
        assertEquals(new Rejected(503, "Service Unavailable (registrar full)"), full);
        accepted(small.register(request(BOB, "b", 2, OptionalInt.empty(), contact("sip:bob@10.0.0.1"),
                contact("sip:bob@10.0.0.9"))));
        clock.advance(Duration.ofSeconds(61)); // alice's binding expires and frees her place
        accepted(small.register(request(carol, "c", 2, OptionalInt.empty(), contact("sip:carol@10.0.0.3"))));
        accepted(small.register(request(carol, "c", 3, OptionalInt.of(0), contact("sip:carol@10.0.0.3"))));
        accepted(small.register(request(alice, "a", 2, OptionalInt.empty(), contact("sip:alice@10.0.0.2"))));
        assertEquals(3, small.count());
    }

    private static RegistrationRequest request(AddressOfRecord aor, String callId, long cseq,
            OptionalInt expiresHeader, ContactRequest... contacts) {
        return new RegistrationRequest(aor, callId, cseq, List.of(contacts), false, contacts.length, expiresHeader,
                SOURCE, "udp");
    }

    private RegistrationOutcome register(AddressOfRecord aor, String callId, long cseq, OptionalInt expiresHeader,
            ContactRequest... contacts) {
        return registrar.register(request(aor, callId, cseq, expiresHeader, contacts));
    }

    private static RegistrationRequest wildcard(AddressOfRecord aor, String callId, long cseq, OptionalInt expires,
            int contactCount) {
        return new RegistrationRequest(aor, callId, cseq, List.of(), true, contactCount, expires, SOURCE, "udp");
    }

    private static ContactRequest contact(String uri) {
        return ContactRequest.of(uri);
    }

    private static ContactRequest withExpires(String uri, int expires) {
        return new ContactRequest(uri, OptionalInt.of(expires), OptionalDouble.empty(), Optional.empty(), OptionalInt.empty());
    }

    private static ContactRequest withQ(String uri, double q) {
        return new ContactRequest(uri, OptionalInt.empty(), OptionalDouble.of(q), Optional.empty(), OptionalInt.empty());
    }

    private static Accepted accepted(RegistrationOutcome outcome) {
        return assertInstanceOf(Accepted.class, outcome);
    }

    private static Rejected rejected(RegistrationOutcome outcome) {
        return assertInstanceOf(Rejected.class, outcome);
    }

    private long remaining(Accepted ok, String uri) {
        return ok.bindings().stream().filter(b -> b.contactUri().equals(uri)).findFirst().orElseThrow()
                .remainingSeconds(clock.instant());
    }

    private static List<String> uris(Accepted ok) {
        return uris(ok.bindings());
    }

    private static List<String> uris(List<Binding> bindings) {
        return bindings.stream().map(Binding::contactUri).toList();
    }

    @Test
    void remainingSecondsRoundUp() {
        Binding b = accepted(register(BOB, "c1", 1, OptionalInt.of(60), contact("sip:a@10.0.0.1"))).bindings().get(0);
        clock.advance(Duration.ofMillis(59_001));
        assertEquals(1, b.remainingSeconds(clock.instant()));
        assertTrue(!b.isExpired(clock.instant()));
        clock.advance(Duration.ofMillis(999));
        assertEquals(0, b.remainingSeconds(clock.instant()));
        assertTrue(b.isExpired(clock.instant()));
    }
}
