package io.callrec.http.download;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlayerPageTest {

    @Test
    void policyAllowsExactlyThePagesOwnScriptAndStyle() throws Exception {
        PlayerPage page = PlayerPage.load();
        String html = new String(page.html(), StandardCharsets.UTF_8);
        String script = html.substring(html.indexOf("<script>") + 8, html.indexOf("</script>"));
        String style = html.substring(html.indexOf("<style>") + 7, html.indexOf("</style>"));
        String csp = page.contentSecurityPolicy(false);
        assertTrue(csp.contains("script-src '" + sha256(script) + "'"), csp);
        assertTrue(csp.contains("style-src '" + sha256(style) + "'"), csp);
        assertTrue(csp.startsWith("default-src 'none'"), csp);
        assertTrue(csp.contains("media-src 'self';"), csp);
        assertTrue(page.contentSecurityPolicy(true).contains("media-src 'self' https: http:;"));
        assertFalse(csp.contains("img-src") || csp.contains("unsafe"), "nothing the page does not need: " + csp);
    }

    @Test
    void pageIsSelfContained() {
        String html = new String(PlayerPage.load().html(), StandardCharsets.UTF_8);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src=\"//"),
                "no external resources (CDN)");
        assertFalse(html.contains("innerHTML"), "manifest text must never become markup");
        assertFalse(html.contains(" style=\""), "inline style attributes would be blocked by the policy");
    }

    private static String sha256(String s) throws Exception {
        return "sha256-" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
