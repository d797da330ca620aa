package io.callrec.storage.spool;

import io.callrec.storage.Sha256;

import io.callrec.atrest.AtRestFiles;
import io.callrec.atrest.AtRestKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Puts recordings into a spool the way the recorder does: built under a dot-name, then one atomic rename. */
final class SpoolFixture {
    private SpoolFixture() {
    }

    /**
     * @param sizes file name to size; contents are random (seeded by id and name)
     * @return the manifest text
     */
    static String spool(Path spool, String id, Map<String, Integer> sizes) throws IOException {
        return spool(spool, id, sizes, AtRestKeys.none());
    }

    /**
     * As the recorder spools it with encryption at rest on (when {@code keys} has a current key): every file and the
     * manifest encrypted, the manifest listing plaintext and stored forms.
     *
     * @return the manifest's text (in plain)
     */
    static String spool(Path spool, String id, Map<String, Integer> sizes, AtRestKeys keys) throws IOException {
        Path building = spool.resolve(".building-" + id);
        Files.createDirectories(building);
        StringBuilder files = new StringBuilder();
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            Path f = building.resolve(e.getKey());
            write(f, e.getValue(), (id + "/" + e.getKey()).hashCode());
            if (files.length() > 0) {
                files.append(',');
            }
            files.append("{\"name\":\"").append(e.getKey()).append("\",\"party\":\"peer\",\"bytes\":")
                    .append(e.getValue()).append(",\"sha256\":\"").append(Sha256.of(f)).append('"');
            if (keys.encrypts()) {
                AtRestFiles.write(f, Files.readAllBytes(f), keys);
                files.append(",\"stored\":{\"bytes\":").append(Files.size(f)).append(",\"sha256\":\"")
                        .append(Sha256.of(f)).append("\"}");
            }
            files.append('}');
        }
        String manifest = "{\"version\":1,\"recordingId\":\"" + id + "\",\"state\":\"complete\",\"files\":["
                + files + "]}";
        AtRestFiles.write(building.resolve("manifest.json"), manifest.getBytes(StandardCharsets.UTF_8), keys);
        Files.move(building, spool.resolve(id), StandardCopyOption.ATOMIC_MOVE);
        return manifest;
    }

    /** The usual three files of a mode-both recording. */
    static Map<String, Integer> both(int requester, int peer, int combined) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("requester.mkv", requester);
        m.put("peer.mkv", peer);
        m.put("combined.mkv", combined);
        return m;
    }

    private static void write(Path f, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }
}
