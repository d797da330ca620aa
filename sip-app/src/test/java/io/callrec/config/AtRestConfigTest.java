package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The at-rest flags as {@link ConfigLoader} resolves them: paths kept, key files checked, one-line errors. */
class AtRestConfigTest {
    @TempDir
    Path dir;

    private String current;
    private String old;

    @BeforeEach
    void keys() throws Exception {
        current = privateFile("current.key", new byte[32]).toString();
        old = privateFile("old.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n".getBytes()).toString();
    }

    @Test
    void offByDefault() throws Exception {
        assertEquals(AtRestConfig.OFF, ConfigLoader.load().atRest());
        assertFalse(ConfigLoader.load().atRest().encrypts());
    }

    @Test
    void aKeyFileTurnsEncryptionOnAndEarlierKeysOnlyDecrypt() throws Exception {
        AtRestConfig c = ConfigLoader.load("--encrypt-at-rest", current, "--decrypt-at-rest", old,
                "--decrypt-at-rest", current).atRest();
        assertEquals(new AtRestConfig(Optional.of(Path.of(current)), false, List.of(Path.of(old), Path.of(current))),
                c);
        assertTrue(c.encrypts());
        AtRestConfig decryptOnly = ConfigLoader.load("--decrypt-at-rest", old).atRest();
        assertFalse(decryptOnly.encrypts(), "reads old recordings, writes new ones in plain");
        assertEquals(List.of(Path.of(old)), decryptOnly.decryptKeys());
    }

    @Test
    void generateCreatesTheKeyAtStartWhenItIsMissingAndChecksItWhenItIsThere() throws Exception {
        String fresh = dir.resolve("new").resolve("at-rest.key").toString();
        assertEquals(new AtRestConfig(Optional.of(Path.of(fresh)), true, List.of()),
                ConfigLoader.load("--encrypt-at-rest", "generate:" + fresh).atRest());
        assertTrue(Files.notExists(Path.of(fresh)), "created by the server's start, not by reading the config");
        Files.setPosixFilePermissions(Path.of(current), PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(ConfigException.class, () -> ConfigLoader.load("--encrypt-at-rest", "generate:" + current));
    }

    @Test
    void theConfigFileTakesTheSameKeys() throws Exception {
        Path file = Files.writeString(dir.resolve("callrec.conf"),
                "encrypt-at-rest = " + current + "\ndecrypt-at-rest = " + old + "\n");
        AtRestConfig c = ConfigLoader.load("--config", file.toString()).atRest();
        assertEquals(Optional.of(Path.of(current)), c.encryptKey());
        assertEquals(List.of(Path.of(old)), c.decryptKeys());
    }

    @Test
    void unusableKeyFilesAreRefusedWithTheFlagAndFileNamed() throws Exception {
        Files.setPosixFilePermissions(Path.of(current), PosixFilePermissions.fromString("rw-r-----"));
        assertProblem("--encrypt-at-rest: " + current + " is open to its group or others (mode rw-r-----); an"
                + " at-rest key must be readable by its owner only: chmod 600 " + current, "--encrypt-at-rest",
                current);
        String shortKey = privateFile("short.key", new byte[16]).toString();
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("--decrypt-at-rest", shortKey));
        assertTrue(e.getMessage().startsWith("--decrypt-at-rest: " + shortKey) && e.getMessage().contains("expected"
                + " 32 raw bytes"), e.getMessage());
        String missing = dir.resolve("nope.key").toString();
        assertProblem("--encrypt-at-rest: " + missing + ": no such file", "--encrypt-at-rest", missing);
        assertProblem("--encrypt-at-rest: needs a key file: KEYFILE or generate:KEYFILE", "--encrypt-at-rest",
                "generate:");
    }

    private Path privateFile(String name, byte[] content) throws Exception {
        Path file = Files.write(dir.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void assertProblem(String message, String... args) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(args));
        assertEquals(message, e.getMessage());
    }
}
