package io.callrec.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkKeysTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path data;

    private static SignedLink links(LinkKeys keys) {
        return new SignedLink(keys, URI.create("http://127.0.0.1:8080"), CLOCK);
    }

    private static boolean verifies(LinkKeys keys, SignedLink.Link link) {
        return links(keys).verify(link.recordingId(), Long.toString(link.expires().getEpochSecond()), link.kid(),
                link.sig()).valid();
    }

    @Test
    void firstOpenGeneratesOnePrivateKey() throws Exception {
        Path dir = data.resolve("keys");
        LinkKeys keys = LinkKeys.open(dir);
        assertEquals(Set.of(keys.currentKid()), keys.kids());
        assertTrue(LinkKeys.KID.matcher(keys.currentKid()).matches(), keys.currentKid());
        Path keyFile = dir.resolve("link-" + keys.currentKid() + ".key");
        assertEquals(32, Files.size(keyFile));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("link-current"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(keys.currentKid(), Files.readString(dir.resolve("link-current")).strip());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of(keyFile.getFileName().toString(), "link-current"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "no temporary files left behind");
        }
    }

    @Test
    void keysSurviveARestart() throws Exception {
        Path dir = data.resolve("keys");
        LinkKeys first = LinkKeys.open(dir);
        SignedLink.Link link = links(first).sign("r-1", Duration.ofHours(1));
        LinkKeys reopened = LinkKeys.open(dir);
        assertEquals(first.currentKid(), reopened.currentKid());
        assertArrayEquals(first.currentKey(), reopened.currentKey());
        assertTrue(verifies(reopened, link));
    }

    @Test
    void rotationKeepsOldLinksValidUntilTheOldKeyIsRemoved() throws Exception {
        Path dir = data.resolve("keys");
        LinkKeys keys = LinkKeys.open(dir);
        String oldKid = keys.currentKid();
        SignedLink.Link old = links(keys).sign("r-1", Duration.ofHours(1));

        String newKid = keys.rotate();
        assertNotEquals(oldKid, newKid);
        assertEquals(newKid, keys.currentKid());
        SignedLink.Link fresh = links(keys).sign("r-1", Duration.ofHours(1));
        assertEquals(newKid, fresh.kid());
        assertTrue(verifies(keys, old));
        assertTrue(verifies(keys, fresh));

        LinkKeys afterRestart = LinkKeys.open(dir);
        assertEquals(newKid, afterRestart.currentKid());
        assertEquals(Set.of(oldKid, newKid), afterRestart.kids());
        assertTrue(verifies(afterRestart, old));

        assertThrows(IllegalArgumentException.class, () -> keys.remove(newKid), "the current key stays");
        assertTrue(keys.remove(oldKid));
        assertFalse(keys.remove(oldKid));
        assertFalse(verifies(keys, old));
        assertTrue(verifies(keys, fresh));
        assertFalse(Files.exists(dir.resolve("link-" + oldKid + ".key")));
        assertFalse(verifies(LinkKeys.open(dir), old), "removed for good");
    }

    @Test
    void looseKeyPermissionsAreTightenedOnLoad() throws Exception {
        Path dir = data.resolve("keys");
        String kid = LinkKeys.open(dir).currentKid();
        Path keyFile = dir.resolve("link-" + kid + ".key");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        LinkKeys.open(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    }

    @Test
    void aTruncatedKeyOrADanglingCurrentRefusesToStart() throws Exception {
        Path dir = data.resolve("keys");
        String kid = LinkKeys.open(dir).currentKid();
        Files.writeString(dir.resolve("link-current"), "gone\n");
        IOException dangling = assertThrows(IOException.class, () -> LinkKeys.open(dir));
        assertTrue(dangling.getMessage().contains("'gone'"), dangling.getMessage());

        Files.writeString(dir.resolve("link-current"), kid + "\n");
        Files.write(dir.resolve("link-" + kid + ".key"), new byte[31]);
        IOException truncated = assertThrows(IOException.class, () -> LinkKeys.open(dir));
        assertTrue(truncated.getMessage().contains("31 bytes"), truncated.getMessage());
    }

    @Test
    void withoutCurrentTheNewestKeySigns() throws Exception {
        Path dir = data.resolve("keys");
        LinkKeys keys = LinkKeys.open(dir);
        String older = keys.currentKid();
        String newer = keys.rotate();
        Files.setLastModifiedTime(dir.resolve("link-" + older + ".key"), FileTime.fromMillis(1_000));
        Files.delete(dir.resolve("link-current"));
        LinkKeys reopened = LinkKeys.open(dir);
        assertEquals(newer, reopened.currentKid());
        assertEquals(newer, Files.readString(dir.resolve("link-current")).strip());
        assertEquals(Set.of(older, newer), reopened.kids());
    }

    @Test
    void leftoversAndOtherSecretsAreIgnored() throws Exception {
        Path dir = data.resolve("keys");
        String kid = LinkKeys.open(dir).currentKid();
        Files.write(dir.resolve(".link-abc.key.tmp"), new byte[5]);
        Files.write(dir.resolve("link-a.b.key"), new byte[5]);
        // keys/ is shared: sip-app's digest nonce secret lives there too.
        Files.write(dir.resolve("digest.secret"), new byte[32]);
        Files.write(dir.resolve("other.key"), new byte[32]);
        assertEquals(Set.of(kid), LinkKeys.open(dir).kids());
    }
}
