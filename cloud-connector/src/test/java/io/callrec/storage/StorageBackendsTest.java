package io.callrec.storage;

import io.callrec.storage.local.LocalStorageBackend;
import io.callrec.storage.s3.S3StorageBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StorageBackendsTest {
    @Test
    void fileUrisOpenTheLocalBackendAtTheirPath(@TempDir Path dir) throws Exception {
        try (StorageBackend b = StorageBackends.open(URI.create("file:./callrec-data"), dir)) {
            assertInstanceOf(LocalStorageBackend.class, b);
            assertEquals("file:" + Path.of("callrec-data").toAbsolutePath(), b.describe());
        }
        try (StorageBackend b = StorageBackends.open(dir.toUri(), dir)) {
            assertEquals("file:" + dir.toAbsolutePath(), b.describe());
        }
        try (StorageBackend b = StorageBackends.open(URI.create("file:///var/lib/call%20rec"), dir)) {
            assertEquals("file:/var/lib/call rec", b.describe());
        }
    }

    @Test
    void s3UrisOpenTheS3BackendWithoutTouchingTheNetwork(@TempDir Path dir) throws Exception {
        URI uri = URI.create("s3://callrec-recordings?endpoint=http://127.0.0.1:9&region=eu-west-1");
        try (StorageBackend b = StorageBackends.open(uri, dir, 0, Clock.systemUTC())) {
            assertInstanceOf(S3StorageBackend.class, b);
            assertEquals("s3://callrec-recordings?endpoint=http://127.0.0.1:9&region=eu-west-1", b.describe());
        }
    }

    @Test
    void otherUrisAreRefused(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> StorageBackends.open(URI.create("ftp://x/y"), dir));
        assertThrows(IllegalArgumentException.class, () -> StorageBackends.open(URI.create("file:/x?y=1"), dir));
        assertThrows(IllegalArgumentException.class,
                () -> StorageBackends.open(URI.create("file://nas.example/x"), dir));
        assertThrows(IllegalArgumentException.class, () -> StorageBackends.open(URI.create("s3://B/"), dir));
    }
}
