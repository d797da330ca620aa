package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TortureIndexTest {

    @Test
    void everyMessageOfBothRfcsIsIndexedOnce() {
        List<String> names = TortureIndex.cases().stream().map(TortureCase::name).toList();
        assertEquals(names.size(), new TreeSet<>(names).size(), "a message indexed twice: " + names);
        assertEquals(49, TortureIndex.cases("rfc4475").size(), "RFC 4475 section 3 has 49 messages");
        assertEquals(12, TortureIndex.cases("rfc5118").size(), "RFC 5118 section 4 has 12 messages");
        assertEquals(new TreeSet<>(TortureIndex.archiveSha256().keySet()), new TreeSet<>(names));
    }

    @Test
    void everyFileExpandsToTheBytesOfTheRfcsArchive() throws Exception {
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : TortureIndex.archiveSha256().entrySet()) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(TortureIndex.message(e.getKey()));
            if (!HexFormat.of().formatHex(digest).equals(e.getValue())) {
                differ.add(e.getKey());
            }
        }
        assertTrue(differ.isEmpty(), "typed differently from the RFC: " + differ);
    }

    @Test
    void callrecsAnswerIsOneOutcomePerTransportAndWhereTheRfcExpectsAnotherTheNoteSaysWhy() {
        for (TortureCase c : TortureIndex.cases()) {
            for (String transport : c.transports()) {
                List<String> answers = c.callrec().alternatives(transport);
                assertEquals(1, answers.size(), c + " " + transport + ": callrec answers one thing: " + answers);
                assertTrue(answers.get(0).matches("\\d{3}|drop|closed"), c + ": " + answers);
                if (!c.rfc().allows(transport, answers.get(0))) {
                    assertFalse(c.note().isBlank(), c + " over " + transport + ": callrec answers " + answers.get(0)
                            + " where RFC expects " + c.rfc().alternatives(transport) + ", and the note says not why");
                }
            }
        }
    }

    @Test
    void expectationsReadAsTheIndexHeaderSays() {
        TortureCase.Expectation e = TortureCase.Expectation.parse("udp:4xx|drop tcp:closed");
        assertTrue(e.allows("udp", "404"));
        assertTrue(e.allows("udp", "drop"));
        assertFalse(e.allows("udp", "500"));
        assertTrue(e.allows("tcp", "closed"));
        TortureCase.Expectation answer = TortureCase.Expectation.parse("answer");
        assertTrue(answer.allows("udp", "481"));
        assertTrue(answer.allows("tcp", "200"));
        assertFalse(answer.allows("udp", "400"));
        assertFalse(answer.allows("udp", "503"));
        assertFalse(answer.allows("udp", "drop"));
        assertEquals("udp:4xx|drop tcp:closed", e.toString());
    }

    @Test
    void securityDocListsEveryCaseWithCallrecsAnswer() throws Exception {
        String doc = Files.readString(ItDirs.moduleTarget().getParent().getParent().resolve("docs/security.md"));
        int start = doc.indexOf("## SIP torture tests");
        assertTrue(start >= 0, "docs/security.md has no '## SIP torture tests' section");
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> missing = new ArrayList<>();
        for (TortureCase c : TortureIndex.cases()) {
            // A | inside a Markdown table cell is written \|.
            String row = "| " + c.name() + " | " + c.section() + " | " + c.rfc().toString().replace("|", "\\|")
                    + " | " + c.callrec().toString().replace("|", "\\|") + " |";
            if (!section.contains(row)) {
                missing.add(row);
            }
        }
        assertTrue(missing.isEmpty(), "rows missing or different in docs/security.md:\n" + String.join("\n", missing));
    }
}
