package io.callrec.atrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtRestKeyTest {
    private static final byte[] KEY = SealedWriterTest.filled(32, 0x5a);

    @TempDir
    Path dir;

    @Test
    void theIdIsTheFirstEightBytesOfTheKeysSha256() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(KEY), 0, 8);
        assertEquals(expected, AtRestKey.of(KEY).id());
        assertEquals("AtRestKey[" + expected + "]", AtRestKey.of(KEY).toString(), "never the key itself");
    }

    @Test
    void readsRawBytesAndBase64InBothAlphabets() throws Exception {
        AtRestKey expected = AtRestKey.of(KEY);
        assertEquals(expected, AtRestKey.read(privateFile("raw", KEY)));
        String b64 = Base64.getEncoder().encodeToString(KEY);
        assertEquals(expected, AtRestKey.read(privateFile("b64", (b64 + "\n").getBytes(StandardCharsets.US_ASCII))));
        byte[] urlKey = SealedWriterTest.filled(32, 0xfb); // encodes with '-' and '_'
        String url = Base64.getUrlEncoder().withoutPadding().encodeToString(urlKey);
        assertTrue(url.contains("-") || url.contains("_"), url);
        assertEquals(AtRestKey.of(urlKey), AtRestKey.read(privateFile("url", url.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void refusesAKeyFileOpenToGroupOrOthers() throws Exception {
        Path file = privateFile("open", KEY);
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            KeyFileException e = assertThrows(KeyFileException.class, () -> AtRestKey.read(file));
            assertTrue(e.getMessage().contains("mode " + mode) && e.getMessage().contains("chmod 600 " + file),
                    e.getMessage());
        }
    }

    @Test
    void refusesWhatIsNotA32ByteKey() throws Exception {
        for (byte[] content : new byte[][] {new byte[31], new byte[33], "not base64 !!".getBytes(),
                (Base64.getEncoder().encodeToString(new byte[24]) + "\n").getBytes(), new byte[1000]}) {
            Path file = privateFile("bad" + content.length, content);
            KeyFileException e = assertThrows(KeyFileException.class, () -> AtRestKey.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("expected 32 raw bytes"),
                    e.getMessage());
        }
        assertTrue(assertThrows(KeyFileException.class, () -> AtRestKey.read(dir.resolve("missing"))).getMessage()
                .contains("no such file"));
    }

    @Test
    void generatesAPrivateKeyFileOnceAndReadsItAfterwards() throws Exception {
        Path file = dir.resolve("keys").resolve("at-rest.key");
        AtRestKey.Loaded first = AtRestKey.readOrGenerate(file);
        assertTrue(first.generated());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(45, Files.size(file), "base64 of 32 bytes and a newline");
        AtRestKey.Loaded again = AtRestKey.readOrGenerate(file);
        assertFalse(again.generated());
        assertEquals(first.key(), again.key());
        assertNotEquals(first.key(), AtRestKey.readOrGenerate(dir.resolve("other.key")).key());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    private Path privateFile(String name, byte[] content) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
