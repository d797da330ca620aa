package io.callrec.sip.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryStoreTest {
    @TempDir
    Path dir;

    @Test
    void pendingDeliveriesSurviveARestartAndDamagedOnesAreSkipped() throws Exception {
        DeliveryStore store = new DeliveryStore(dir);
        LinkDelivery a = new LinkDelivery("r1", "http://h/recordings/r1?x", Instant.parse("2026-12-01T10:00:00Z"),
                "alice", "sip:alice@example.com", "sip:alice@10.0.0.5:5060", true, 3);
        LinkDelivery b = new LinkDelivery("r2", "http://h/recordings/r2?x", Instant.parse("2026-12-02T10:00:00Z"),
                null, "sip:bob@example.com", null, false, 0);
        store.save(a);
        store.save(b);
        store.save(a.failedOnceForRetry());
        Files.writeString(dir.resolve("broken.json"), "{not json");
        List<LinkDelivery> loaded = new DeliveryStore(dir).loadAll();
        assertEquals(2, loaded.size());
        assertTrue(loaded.contains(a.failedOnceForRetry()), loaded.toString());
        assertTrue(loaded.contains(b), loaded.toString());
        store.delete("r1");
        assertEquals(List.of(b), new DeliveryStore(dir).loadAll());
    }
}
