package io.callrec.link;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

import static io.callrec.link.SignedLink.Outcome.BAD_SIGNATURE;
import static io.callrec.link.SignedLink.Outcome.EXPIRED;
import static io.callrec.link.SignedLink.Outcome.MALFORMED;
import static io.callrec.link.SignedLink.Outcome.UNKNOWN_KEY;
import static io.callrec.link.SignedLink.Outcome.VALID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignedLinkTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;
    private LinkKeys keys;

    @BeforeEach
    void keyFromKnownBytes() throws Exception {
        // A key written by hand, as an operator restoring a backup would: the link format is then pinned exactly.
        Path keyDir = dir.resolve("keys");
        Files.createDirectories(keyDir);
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        Files.write(keyDir.resolve("link-k1.key"), key);
        Files.setPosixFilePermissions(keyDir.resolve("link-k1.key"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(keyDir.resolve("link-current"), "k1\n");
        keys = LinkKeys.open(keyDir);
    }

    private SignedLink links(Instant now) {
        return new SignedLink(keys, URI.create("https://rec.example.com:8443/"), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void linkHasTheSpecFormatWithAKnownSignature() {
        // Expected value computed independently (Python hmac/base64) over "v1|k1|r-abc|1800000000".
        SignedLink.Link link = links(NOW).sign("r-abc", Instant.ofEpochSecond(1_800_000_000L));
        assertEquals("https://rec.example.com:8443/recordings/r-abc?exp=1800000000&kid=k1"
                + "&sig=epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE", link.url().toString());
        assertEquals("exp=1800000000&kid=k1&sig=epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE", link.query());
        assertEquals(Instant.ofEpochSecond(1_800_000_000L), link.expires());
    }

    @Test
    void signedLinkVerifiesUntilItExpires() {
        SignedLink.Link link = links(NOW).sign("r-abc", Duration.ofHours(72));
        assertEquals(NOW.plus(Duration.ofHours(72)), link.expires());
        String exp = Long.toString(link.expires().getEpochSecond());
        SignedLink.Verdict ok = links(NOW).verify("r-abc", exp, "k1", link.sig());
        assertEquals(VALID, ok.outcome());
        assertEquals(link.expires(), ok.expires());
        assertEquals(VALID, links(link.expires().minusSeconds(1)).verify("r-abc", exp, "k1", link.sig()).outcome());
        assertEquals(EXPIRED, links(link.expires()).verify("r-abc", exp, "k1", link.sig()).outcome());
        assertEquals(EXPIRED, links(link.expires().plusSeconds(3600)).verify("r-abc", exp, "k1", link.sig()).outcome());
    }

    @Test
    void subSecondLifetimesRoundDown() {
        SignedLink.Link link = links(NOW.plusMillis(999)).sign("r-abc", Duration.ofMillis(1500));
        assertEquals(NOW.plusSeconds(2), link.expires());
    }

    @Test
    void everyTamperedPartFails() {
        SignedLink.Link link = links(NOW).sign("r-abc", Duration.ofHours(1));
        SignedLink s = links(NOW);
        String exp = Long.toString(link.expires().getEpochSecond());
        assertEquals(BAD_SIGNATURE, s.verify("r-abd", exp, "k1", link.sig()).outcome(), "another recording");
        assertEquals(BAD_SIGNATURE, s.verify("r-abc", Long.toString(link.expires().getEpochSecond() + 1), "k1",
                link.sig()).outcome(), "a later expiry");
        assertEquals(UNKNOWN_KEY, s.verify("r-abc", exp, "k2", link.sig()).outcome());
        // Flip each character of the signature to another character that keeps it canonical.
        char[] sig = link.sig().toCharArray();
        for (int i = 0; i < sig.length; i++) {
            char[] t = sig.clone();
            t[i] = t[i] == 'A' ? 'Q' : 'A';
            SignedLink.Outcome o = s.verify("r-abc", exp, "k1", new String(t)).outcome();
            assertTrue(o == BAD_SIGNATURE || o == MALFORMED, "position " + i + ": " + o);
        }
    }

    @Test
    void anotherKeysSignatureDoesNotVerify() throws Exception {
        SignedLink.Link link = links(NOW).sign("r-abc", Duration.ofHours(1));
        keys.rotate();
        SignedLink.Link newer = links(NOW).sign("r-abc", Duration.ofHours(1));
        assertNotEquals(link.sig(), newer.sig());
        String exp = Long.toString(link.expires().getEpochSecond());
        assertEquals(BAD_SIGNATURE, links(NOW).verify("r-abc", exp, newer.kid(), link.sig()).outcome());
        assertEquals(BAD_SIGNATURE, links(NOW).verify("r-abc", exp, "k1", newer.sig()).outcome());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            "NULL, 1800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, NULL, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, 1800000000, NULL, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, 1800000000, k1, NULL",
            "r-abc, 01800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, +1800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, -1, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, 99999999999999999999999, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, '1800000000 ', k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, 1800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE=",
            "r-abc, 1800000000, k1, epFIeRoo37VmW0OQue/KNuINZNNUh7TbCQpMP9ukJvE",
            "r-abc, 1800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvF",
            "r-abc, 1800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJv",
            "r-abc, 1800000000, ../k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "../r-abc, 1800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
            "r.abc, 1800000000, k1, epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE",
    })
    void nonCanonicalOrMissingPartsAreMalformed(String id, String exp, String kid, String sig) {
        // The correct link first, to show that only the one changed part makes the difference.
        assertEquals(VALID, links(NOW).verify("r-abc", "1800000000", "k1",
                "epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE").outcome());
        assertEquals(MALFORMED, links(NOW).verify(id, exp, kid, sig).outcome());
    }

    @Test
    void signingRefusesIdsThatCouldNotBeVerified() {
        SignedLink s = links(NOW);
        // 65 characters: longer than the storage takes (ObjectNamesFuzz found the link pattern allowed 128).
        for (String bad : new String[] {"", "..", "a/b", "a.b", "x".repeat(65), "é"}) {
            assertThrows(IllegalArgumentException.class, () -> s.sign(bad, Duration.ofHours(1)), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> s.sign("r-abc", Duration.ZERO));
        assertEquals(VALID, s.verify("x".repeat(64), Long.toString(NOW.getEpochSecond() + 60), "k1",
                s.sign("x".repeat(64), Duration.ofMinutes(1)).sig()).outcome());
        assertEquals(MALFORMED, s.verify("x".repeat(65), Long.toString(NOW.getEpochSecond() + 60), "k1",
                "epFIeRoo37VmW0OQue_KNuINZNNUh7TbCQpMP9ukJvE").outcome());
    }

    @Test
    void publicUrlMustBeABase() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        assertThrows(IllegalArgumentException.class, () -> new SignedLink(keys, URI.create("/relative"), clock));
        assertThrows(IllegalArgumentException.class, () -> new SignedLink(keys, URI.create("https://h/?a=b"), clock));
        SignedLink prefixed = new SignedLink(keys, URI.create("https://h/callrec"), clock);
        assertTrue(prefixed.sign("r-1", Duration.ofHours(1)).url().toString().startsWith("https://h/callrec/recordings/r-1?"));
    }

    /** RFC 4231 §4.2–4.8: HMAC-SHA-256 test vectors (test case 5 is compared on its first 128 bits). */
    @ParameterizedTest
    @CsvSource({
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, 4869205468657265,"
                    + " b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "4a656665, 7768617420646f2079612077616e7420666f72206e6f7468696e673f,"
                    + " 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, " + "dd:50,"
                    + " 773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            "0102030405060708090a0b0c0d0e0f10111213141516171819, cd:50,"
                    + " 82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c, 546573742057697468205472756e636174696f6e,"
                    + " a3b6167473100ee06e0c796c2955552b",
            "aa:131, text:Test Using Larger Than Block-Size Key - Hash Key First,"
                    + " 60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            "aa:131, text:This is a test using a larger than block-size key and a larger than block-size data."
                    + " The key needs to be hashed before being used by the HMAC algorithm.,"
                    + " 9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    })
    void hmacMatchesRfc4231(String key, String data, String expected) {
        byte[] mac = SignedLink.hmacSha256(bytes(key), bytes(data));
        byte[] want = HEX.parseHex(expected);
        byte[] got = new byte[want.length];
        System.arraycopy(mac, 0, got, 0, want.length);
        assertArrayEquals(want, got);
    }

    /** "hex", "xx:N" (byte xx repeated N times) or "text:..." (ASCII). */
    private static byte[] bytes(String spec) {
        if (spec.startsWith("text:")) {
            return spec.substring(5).getBytes(StandardCharsets.US_ASCII);
        }
        int colon = spec.indexOf(':');
        if (colon > 0) {
            byte[] out = new byte[Integer.parseInt(spec.substring(colon + 1))];
            java.util.Arrays.fill(out, (byte) Integer.parseInt(spec.substring(0, colon), 16));
            return out;
        }
        return HEX.parseHex(spec);
    }
}
