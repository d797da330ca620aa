package io.callrec.http;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecurityHeadersTest {

    @Test
    void applyReplacesWhatAHandlerSetAndIsIdempotent() {
        HttpFields.Mutable headers = HttpFields.build();
        headers.add("Cache-Control", "public, max-age=3600");
        headers.add("X-Frame-Options", "SAMEORIGIN");
        SecurityHeaders.apply(headers);
        SecurityHeaders.apply(headers);
        assertEquals(5, headers.size(), headers.toString());
        assertEquals("private, no-store", headers.get("Cache-Control"));
        assertEquals("no-referrer", headers.get("Referrer-Policy"));
        assertEquals("nosniff", headers.get("X-Content-Type-Options"));
        assertEquals("DENY", headers.get("X-Frame-Options"));
        assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, headers.get("Content-Security-Policy"));
    }

    @Test
    void thePolicyLetsNothingRunOrFrameButMediaOfThisOrigin() {
        String csp = SecurityHeaders.CONTENT_SECURITY_POLICY;
        assertEquals("default-src 'none'; media-src 'self'; base-uri 'none'; form-action 'none'; "
                + "frame-ancestors 'none'", csp);
    }
}
