package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callrec.media.relay.Side;
import io.callrec.record.RecordingMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsentLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path dir;

    @BeforeEach
    void cleanDir() throws IOException {
        dir = Paths.get("target", "consent-log-test");
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static ConsentEntry entry(String callerIdentity, ConsentDecision result) {
        return new ConsentEntry(Instant.parse("2026-05-01T12:00:00.250Z"), Side.A,
                new Party("a-call@x", callerIdentity, IdentitySource.DIGEST_USER),
                new Party("b-call@y", "sip:bob@example.com", IdentitySource.P_ASSERTED_IDENTITY),
                ConsentChannel.MESSAGE, "alice@example.com asks to record this call.", "192.0.2.2:5060",
                "q1", "c-123", RecordingMode.BOTH, result);
    }

    @Test
    void entriesAreJsonLinesWithEveryFieldTheSpecLists() throws IOException {
        Map<String, Object> returned;
        try (ConsentLog log = ConsentLog.open(dir)) {
            returned = log.append(entry("sip:alice@example.com", ConsentDecision.GRANTED));
        }
        List<String> lines = Files.readAllLines(dir.resolve("consent.log"), StandardCharsets.UTF_8);
        assertEquals(1, lines.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> read = JSON.readValue(lines.get(0), Map.class);
        assertEquals(returned, read);
        assertEquals("2026-05-01T12:00:00.250Z", read.get("time"));
        assertEquals("granted", read.get("result"));
        assertEquals("both", read.get("mode"));
        assertEquals("message", read.get("channel"));
        assertEquals(Map.of("leg", "A", "callId", "a-call@x", "identity", "sip:alice@example.com",
                "identitySource", "digest-user"), read.get("requester"));
        assertEquals(Map.of("leg", "B", "callId", "b-call@y", "identity", "sip:bob@example.com",
                "identitySource", "p-asserted-identity"), read.get("peer"));
        assertEquals("q1", read.get("requestId"));
        assertEquals("c-123", read.get("consentId"));
        assertEquals("alice@example.com asks to record this call.", read.get("prompt"));
        assertEquals("192.0.2.2:5060", read.get("source"));
    }

    @Test
    void appendsAcrossRestartsOneLinePerEntryWhateverTheIdentityHolds() throws IOException {
        try (ConsentLog log = ConsentLog.open(dir)) {
            log.append(entry("sip:alice@example.com", ConsentDecision.GRANTED));
        }
        try (ConsentLog log = ConsentLog.open(dir)) {
            log.append(entry("sip:evil\r\n{\"result\":\"granted\"}@example.com", ConsentDecision.DECLINED));
            log.append(entry("sip:alice@example.com", ConsentDecision.WITHDRAWN));
        }
        List<String> lines = Files.readAllLines(dir.resolve(ConsentLog.FILE_NAME), StandardCharsets.UTF_8);
        assertEquals(3, lines.size());
        assertEquals(List.of("granted", "declined", "withdrawn"),
                lines.stream().map(l -> {
                    try {
                        return JSON.readTree(l).get("result").asText();
                    } catch (IOException e) {
                        throw new AssertionError(l, e);
                    }
                }).toList());
    }

    @Test
    void absentValuesAreLeftOutAndTheFileIsPrivate() throws IOException {
        ConsentEntry policy = new ConsentEntry(Instant.EPOCH, Side.B, new Party("b", "sip:b@x", IdentitySource.FROM),
                new Party("a", "sip:a@x", IdentitySource.FROM), ConsentChannel.POLICY, null, null, null, null,
                RecordingMode.PEER, ConsentDecision.GRANTED);
        try (ConsentLog log = ConsentLog.open(dir)) {
            Map<String, Object> m = log.append(policy);
            assertFalse(m.containsKey("prompt") || m.containsKey("source") || m.containsKey("requestId")
                    || m.containsKey("consentId"), m.toString());
            assertEquals("B", ((Map<?, ?>) m.get("requester")).get("leg"));
            assertEquals("A", ((Map<?, ?>) m.get("peer")).get("leg"));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(ConsentLog.FILE_NAME))));
    }
}
