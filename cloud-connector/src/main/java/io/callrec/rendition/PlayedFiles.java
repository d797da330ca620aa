package io.callrec.rendition;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The stored files the web player plays, read from a recording's manifest: each party's own Matroska file
 * (requester first), or, when there is none, the first Matroska file ({@code combined.mkv}). The player page
 * (player.html, {@code pickMedia}) picks the same ones; only these get renditions, so {@code combined.mkv} of a
 * mode {@code both} recording, which the player never plays, costs nothing.
 *
 * <p>Each file's codecs are those of its first video and first audio track in the manifest's {@code tracks}
 * (a track lists the files it is in; older manifests without that are matched by party). Later tracks of the same
 * kind (after a codec change in mid-call) are left out of a rendition.
 */
public final class PlayedFiles {
    private static final Pattern MATROSKA = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.mkv");
    private static final List<String> PARTIES = List.of("requester", "peer");

    private PlayedFiles() {
    }

    /** @param manifest the parsed manifest.json */
    public static List<SourceFile> of(JsonNode manifest) {
        List<JsonNode> matroska = new ArrayList<>();
        for (JsonNode f : manifest.path("files")) {
            if (MATROSKA.matcher(f.path("name").asText("")).matches()) {
                matroska.add(f);
            }
        }
        List<JsonNode> chosen = new ArrayList<>();
        for (String party : PARTIES) {
            matroska.stream().filter(f -> party.equals(f.path("party").asText())).findFirst().ifPresent(chosen::add);
        }
        if (chosen.isEmpty() && !matroska.isEmpty()) {
            chosen.add(matroska.get(0));
        }
        List<SourceFile> out = new ArrayList<>();
        for (JsonNode f : chosen) {
            String name = f.path("name").asText();
            String party = f.path("party").asText("");
            out.add(new SourceFile(name, party, firstCodec(manifest, name, party, "video"),
                    firstCodec(manifest, name, party, "audio")));
        }
        return out;
    }

    private static Optional<String> firstCodec(JsonNode manifest, String file, String party, String kind) {
        for (JsonNode t : manifest.path("tracks")) {
            if (!kind.equals(t.path("kind").asText()) || !inFile(t, file, party)) {
                continue;
            }
            String stored = t.path("storedAs").asText("");
            return Optional.of(stored.isEmpty() ? storedAs(t.path("codec").asText("")) : stored);
        }
        return Optional.empty();
    }

    private static boolean inFile(JsonNode track, String file, String party) {
        JsonNode files = track.path("files");
        if (files.isArray()) {
            for (JsonNode f : files) {
                if (file.equals(f.asText())) {
                    return true;
                }
            }
            return false;
        }
        return party.equals("both") || party.equals(track.path("party").asText());
    }

    /**
     * What the recorder stores a codec on the wire as (recording-format.md), for a track without {@code storedAs}:
     * everything as it came, G.711 under ffmpeg's names of its two laws.
     */
    static String storedAs(String wireCodec) {
        String c = wireCodec.toLowerCase(Locale.ROOT);
        return switch (c) {
            case "pcma" -> "pcm_alaw";
            case "pcmu" -> "pcm_mulaw";
            default -> c;
        };
    }
}
