package io.callrec.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.callrec.link.SignedLink;
import java.nio.file.Path;

/**
 * Recording ids and object names arrive in URLs, manifests and spool directory names. Whatever {@link ObjectNames}
 * accepts must stay inside its recording's space as a storage key and as a file path; what it refuses is refused
 * with an {@link IllegalArgumentException} whose message is short and printable; and every id a recording link
 * may carry is an id the storage accepts, so a verified link never fails on its own id.
 */
class ObjectNamesFuzz {
    private static final Path ROOT = Path.of("/srv/callrec");

    @FuzzTest(maxDuration = "20s", maxExecutions = 50000)
    void acceptedNamesStayInTheirSpaceAndRefusalsArePrintable(FuzzedDataProvider data) {
        String id = data.consumeString(80);
        String name = data.consumeRemainingAsString();
        boolean idValid = ObjectNames.isValidId(id);
        boolean nameValid = ObjectNames.isValidName(name);
        if (SignedLink.RECORDING_ID.matcher(id).matches()) {
            assertTrue(idValid, "a link may carry id '" + id + "', which the storage refuses");
        }
        if (idValid && nameValid) {
            String key = ObjectNames.key(id, name);
            assertEquals("recordings/" + id + "/" + name, key);
            Path space = ROOT.resolve("recordings").resolve(id);
            Path file = ROOT.resolve(key).normalize();
            assertEquals(space, file.getParent(), key + " leaves its recording's space");
            assertEquals(name, file.getFileName().toString());
            assertFalse(name.startsWith("."), name);
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectNames.check(id, name));
        String message = e.getMessage();
        assertTrue(message.length() <= 120, message.length() + " characters: " + message);
        assertTrue(message.chars().allMatch(c -> c >= 0x20 && c <= 0x7e || c == '\u2026'), "unprintable: " + message);
        if (!idValid) {
            assertThrows(IllegalArgumentException.class, () -> ObjectNames.checkId(id));
        }
    }
}
