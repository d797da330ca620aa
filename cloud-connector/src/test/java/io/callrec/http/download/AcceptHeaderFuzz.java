package io.callrec.http.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any {@code Accept} header chooses between the manifest and the player page. {@link AcceptHeader} must give
 * qualities in 0..1, choose HTML exactly when it is strictly preferred, and not care about the letter case of
 * media ranges and parameter names (RFC 9110 §8.3.1), whatever the header holds.
 */
class AcceptHeaderFuzz {

    @FuzzTest(maxDuration = "20s", maxExecutions = 15000)
    @DictionaryEntries({"text/html", "application/json", "*/*", "text/*", "application/*", ";q=", "0.", "1.000",
            ", ", ";charset=\"utf-8\""})
    void qualitiesAreInRangeAndTheChoiceFollowsThem(byte[] header) {
        assertEquals(1.0, AcceptHeader.quality(null, "text/html"), "no Accept header: anything goes");
        String accept = new String(header, StandardCharsets.UTF_8); // Jetty hands the header over as text
        double html = AcceptHeader.quality(accept, "text/html");
        double json = AcceptHeader.quality(accept, "application/json");
        assertTrue(html >= 0 && html <= 1, "html " + html);
        assertTrue(json >= 0 && json <= 1, "json " + json);
        assertEquals(html > json, AcceptHeader.prefersHtml(accept));
        String upper = asciiUpperCase(accept);
        assertEquals(html, AcceptHeader.quality(upper, "text/html"), "case of " + accept);
        assertEquals(json, AcceptHeader.quality(upper, "application/json"), "case of " + accept);
    }

    private static String asciiUpperCase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return b.toString();
    }
}
