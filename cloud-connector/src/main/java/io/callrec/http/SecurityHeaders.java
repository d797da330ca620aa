package io.callrec.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.HttpConfiguration;

import java.util.List;

/**
 * The response headers every answer of the HTTP service carries, recordings, JSON and error pages alike
 * (docs/security.md, "Links and the download service"):
 *
 * <ul>
 *   <li>{@code Cache-Control: private, no-store}: a recording, its manifest and the page that plays it are reached
 *       through a bearer link; no shared cache or browser disk cache may keep them.</li>
 *   <li>{@code Referrer-Policy: no-referrer}: the link is in the URL; it must never leave in a {@code Referer}.</li>
 *   <li>{@code X-Content-Type-Options: nosniff}: a JSON manifest or a recorded file is never run as HTML.</li>
 *   <li>{@code X-Frame-Options: DENY} and the policy's {@code frame-ancestors 'none'}: nothing is framed.</li>
 *   <li>{@link #CONTENT_SECURITY_POLICY}: nothing in a response may run, load or submit anything; only media from
 *       this origin may play, because a browser that opens a recorded file directly plays it in a page of its own
 *       under this policy (Chromium plays nothing under {@code default-src 'none'} alone). The player page
 *       replaces it with its own, stricter-than-default, policy.</li>
 * </ul>
 *
 * No {@code Server} header: HttpService turns the server version off.
 */
public final class SecurityHeaders {
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; media-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final List<HttpField> FIELDS = List.of(
            new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "private, no-store"),
            new PreEncodedHttpField("Referrer-Policy", "no-referrer"),
            new PreEncodedHttpField("X-Content-Type-Options", "nosniff"),
            new PreEncodedHttpField("X-Frame-Options", "DENY"),
            new PreEncodedHttpField("Content-Security-Policy", CONTENT_SECURITY_POLICY));

    private SecurityHeaders() {
    }

    /** Sets (replaces) every security header; idempotent. */
    public static void apply(HttpFields.Mutable headers) {
        for (HttpField field : FIELDS) {
            headers.put(field);
        }
    }

    /**
     * For {@link HttpConfiguration#addCustomizer}: every request that parses gets the headers before a handler
     * sees it, so no handler can forget them (handlers may still replace one, as the player page does its policy).
     */
    public static HttpConfiguration.Customizer customizer() {
        return (request, responseHeaders) -> {
            apply(responseHeaders);
            return request;
        };
    }

    /** The header names and values, for tests and docs. */
    public static List<HttpField> fields() {
        return FIELDS;
    }
}
