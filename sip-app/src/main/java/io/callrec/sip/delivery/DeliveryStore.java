package io.callrec.sip.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pending deliveries as one small JSON file each, so they survive a restart (spec §4). */
public final class DeliveryStore {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStore.class);
    private final Path dir;
    private final ObjectMapper json;

    public DeliveryStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.json = new ObjectMapper();
    }

    public void save(LinkDelivery d) throws IOException {
        Path tmp = dir.resolve(d.recordingId() + ".json.part");
        Files.write(tmp, json.writeValueAsBytes(new Stored(d.recordingId(), d.url(), d.expires().toString(),
                d.requesterUser(), d.requesterAor(), d.lastTarget(), d.json(), d.attempts())));
        Files.move(tmp, dir.resolve(d.recordingId() + ".json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    public void delete(String recordingId) {
        try {
            Files.deleteIfExists(dir.resolve(recordingId + ".json"));
        } catch (IOException e) {
            LOG.warn("cannot delete the delivery record of {}: {}", recordingId, e.toString());
        }
    }

    /** Every pending delivery; unreadable files are reported and skipped. */
    public List<LinkDelivery> loadAll() {
        List<LinkDelivery> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    Stored s = json.readValue(f.toFile(), Stored.class);
                    out.add(new LinkDelivery(s.recordingId(), s.url(), java.time.Instant.parse(s.expires()),
                            s.requesterUser(), s.requesterAor(), s.lastTarget(), s.json(), s.attempts()));
                } catch (IOException | RuntimeException e) {
                    LOG.error("pending delivery {} is unreadable and skipped: {}", f, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.error("cannot list pending deliveries in {}: {}", dir, e.toString());
        }
        return out;
    }

    /**
     * Who gets a recording's link, remembered when the recording starts (it survives a crash and the time the
     * upload takes); the link itself comes when the recording is stored.
     */
    public record Intent(String recordingId, String requesterUser, String requesterAor, String lastTarget,
                         boolean json) {
    }

    public void saveIntent(Intent intent) throws IOException {
        Path dir = intents();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(intent.recordingId() + ".json.part");
        Files.write(tmp, json.writeValueAsBytes(intent));
        Files.move(tmp, dir.resolve(intent.recordingId() + ".json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The intent of a recording, removed from the store; empty if there is none (or it was taken already). */
    public java.util.Optional<Intent> takeIntent(String recordingId) {
        Path f = intents().resolve(recordingId + ".json");
        try {
            if (!Files.exists(f)) {
                return java.util.Optional.empty();
            }
            Intent intent = json.readValue(f.toFile(), Intent.class);
            Files.deleteIfExists(f);
            return java.util.Optional.of(intent);
        } catch (IOException | RuntimeException e) {
            LOG.error("delivery intent {} is unreadable: {}", f, e.toString());
            return java.util.Optional.empty();
        }
    }

    private Path intents() {
        return dir.resolve("intents");
    }

    private record Stored(String recordingId, String url, String expires, String requesterUser, String requesterAor,
                          String lastTarget, boolean json, int attempts) {
    }
}
