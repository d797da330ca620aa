package io.callrec.http;

import org.eclipse.jetty.http.HttpField;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every response of the HTTP service must carry, and what none may reveal (docs/security.md). */
public final class SecurityAssertions {
    /** Text that betrays a stack trace, an exception, the server software or a file system path. */
    private static final List<String> TELLTALES = List.of("exception", "\tat ", "at org.", "at io.", "at java.",
            "jetty", "caused by", ".java:", "/tmp/", "/root/", "/home/", "/work/", "target/");

    private SecurityAssertions() {
    }

    /**
     * Every {@link SecurityHeaders} field (the player page has its own Content-Security-Policy, so for it only the
     * presence of one with {@code frame-ancestors 'none'} is checked), and no {@code Server} or
     * {@code X-Powered-By}.
     */
    public static void assertSecurityHeaders(RawHttp.Response r, String context) {
        assertHeaders(r::header, context + "\n" + r.head());
        assertTrue(r.headers("Server").isEmpty() && r.headers("X-Powered-By").isEmpty(), context + "\n" + r.head());
    }

    public static void assertSecurityHeaders(HttpResponse<?> r) {
        Function<String, String> header = name -> r.headers().firstValue(name).orElse(null);
        assertHeaders(header, r.uri() + " " + r.statusCode() + " " + r.headers().map());
        assertFalse(r.headers().firstValue("Server").isPresent(), r.uri().toString());
    }

    private static void assertHeaders(Function<String, String> header, String context) {
        for (HttpField field : SecurityHeaders.fields()) {
            if (field.getName().equals("Content-Security-Policy")) {
                String csp = header.apply(field.getName());
                assertNotNull(csp, "no Content-Security-Policy: " + context);
                assertTrue(csp.startsWith("default-src 'none'") && csp.contains("frame-ancestors 'none'"), context);
            } else {
                assertEquals(field.getValue(), header.apply(field.getName()), field.getName() + ": " + context);
            }
        }
    }

    /** Neither head nor body holds a telltale (see above) or any of {@code secrets} (case-insensitive). */
    public static void assertRevealsNothing(RawHttp.Response r, String context, String... secrets) {
        String text = r.text().toLowerCase(Locale.ROOT);
        for (String telltale : TELLTALES) {
            assertFalse(text.contains(telltale), context + ": reveals '" + telltale + "':\n" + r.text());
        }
        for (String secret : secrets) {
            assertFalse(text.contains(secret.toLowerCase(Locale.ROOT)),
                    context + ": reveals '" + secret + "':\n" + r.text());
        }
    }
}
