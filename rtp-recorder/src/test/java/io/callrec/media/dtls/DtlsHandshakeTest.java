package io.callrec.media.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.media.srtp.SrtpProfile;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class DtlsHandshakeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsIdentity SERVER = DtlsIdentity.generate(RANDOM);
    private static final DtlsIdentity CLIENT = DtlsIdentity.generate(RANDOM);
    private static final List<SrtpProfile> ALL = List.of(SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AEAD_AES_128_GCM,
            SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AES_CM_128_HMAC_SHA1_32);

    @Test
    void bothSidesDeriveMirroredKeysWithTheServersPreferredProfile() throws Exception {
        MemoryDatagramPair pair = new MemoryDatagramPair();
        CompletableFuture<DtlsHandshake.Result> server = CompletableFuture.supplyAsync(() -> run(pair.a,
                DtlsRole.SERVER, SERVER, CLIENT.fingerprint(), List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                        SrtpProfile.AEAD_AES_128_GCM)));
        DtlsHandshake.Result client = DtlsHandshake.run(pair.b, DtlsRole.CLIENT, CLIENT, SERVER.fingerprint(), ALL,
                Duration.ofSeconds(10));
        DtlsHandshake.Result s = server.get(10, TimeUnit.SECONDS);
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, s.keys().profile(), "the server's preference wins");
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, client.keys().profile());
        assertEquals(s.keys().fromParty(), client.keys().toParty(), "what the client sends with");
        assertEquals(s.keys().toParty(), client.keys().fromParty(), "what the server sends with");
        assertTrue(!s.keys().fromParty().equals(s.keys().toParty()), "each direction has its own key");
    }

    @Test
    void aCertificateOtherThanTheFingerprintFailsTheHandshakeOnTheCheckingSide() throws Exception {
        MemoryDatagramPair pair = new MemoryDatagramPair();
        DtlsFingerprint someoneElse = DtlsIdentity.generate(RANDOM).fingerprint();
        CompletableFuture<DtlsHandshakeException> server = CompletableFuture.supplyAsync(() -> assertThrows(
                DtlsHandshakeException.class, () -> DtlsHandshake.run(pair.a, DtlsRole.SERVER, SERVER, someoneElse,
                        ALL, Duration.ofSeconds(5))));
        assertThrows(DtlsHandshakeException.class, () -> DtlsHandshake.run(pair.b, DtlsRole.CLIENT, CLIENT,
                SERVER.fingerprint(), ALL, Duration.ofSeconds(5)));
        assertEquals(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH, server.get(10, TimeUnit.SECONDS).reason());
    }

    @Test
    void aClientChecksTheServersCertificateToo() throws Exception {
        MemoryDatagramPair pair = new MemoryDatagramPair();
        CompletableFuture.runAsync(() -> {
            try {
                DtlsHandshake.run(pair.a, DtlsRole.SERVER, SERVER, CLIENT.fingerprint(), ALL, Duration.ofSeconds(5));
            } catch (DtlsHandshakeException expected) {
                // the client aborts
            }
        });
        DtlsHandshakeException e = assertThrows(DtlsHandshakeException.class, () -> DtlsHandshake.run(pair.b,
                DtlsRole.CLIENT, CLIENT, DtlsIdentity.generate(RANDOM).fingerprint(), ALL, Duration.ofSeconds(5)));
        assertEquals(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH, e.reason());
    }

    @Test
    void noCommonProfileFails() throws Exception {
        MemoryDatagramPair pair = new MemoryDatagramPair();
        CompletableFuture<DtlsHandshakeException> server = CompletableFuture.supplyAsync(() -> assertThrows(
                DtlsHandshakeException.class, () -> DtlsHandshake.run(pair.a, DtlsRole.SERVER, SERVER,
                        CLIENT.fingerprint(), List.of(SrtpProfile.AEAD_AES_256_GCM), Duration.ofSeconds(5))));
        assertThrows(DtlsHandshakeException.class, () -> DtlsHandshake.run(pair.b, DtlsRole.CLIENT, CLIENT,
                SERVER.fingerprint(), List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80), Duration.ofSeconds(5)));
        assertEquals(DtlsHandshakeException.Reason.FAILED, server.get(10, TimeUnit.SECONDS).reason());
    }

    @Test
    void aServerThatHearsNothingTimesOut() {
        MemoryDatagramPair pair = new MemoryDatagramPair();
        long start = System.nanoTime();
        DtlsHandshakeException e = assertThrows(DtlsHandshakeException.class, () -> DtlsHandshake.run(pair.a,
                DtlsRole.SERVER, SERVER, CLIENT.fingerprint(), ALL, Duration.ofMillis(600)));
        assertEquals(DtlsHandshakeException.Reason.TIMEOUT, e.reason(), e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    private static DtlsHandshake.Result run(MemoryDatagramPair.End end, DtlsRole role, DtlsIdentity identity,
                                            DtlsFingerprint expected, List<SrtpProfile> profiles) {
        try {
            return DtlsHandshake.run(end, role, identity, expected, profiles, Duration.ofSeconds(10));
        } catch (DtlsHandshakeException e) {
            throw new IllegalStateException(e);
        }
    }
}
