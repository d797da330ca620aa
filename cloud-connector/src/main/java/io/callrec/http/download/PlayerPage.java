package io.callrec.http.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web player: one static HTML page with its script and style inline (no CDN, nothing from another origin). It
 * reads the manifest from its own URL, plays {@code requester.mkv} and {@code peer.mkv} side by side on one clock
 * (or the one file a {@code peer} recording has), and shows the manifest's facts. Where the browser says it cannot
 * play a recorded file ({@code canPlayType}), or with {@code ?force=rendition}, it plays the file's browser
 * rendition instead, from {@code renditions.json}. The page is the same for every
 * recording: nothing of the recording is put into its markup, so nothing a SIP client chose can become markup.
 *
 * <p>Its Content-Security-Policy allows exactly the page's own script and style (by hash), its fetch of the manifest
 * and media from the download service itself, plus any HTTP(S) origin for media when downloads are redirected to
 * presigned storage URLs; nothing else (no images, fonts, frames, forms or base URL). PlayerPageIT fails on any
 * policy message in Chromium's console, so the policy is known to be all the page needs.
 */
public final class PlayerPage {
    private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

    private final byte[] html;
    private final String scriptHash;
    private final String styleHash;

    private PlayerPage(String html) {
        this.html = html.getBytes(StandardCharsets.UTF_8);
        this.scriptHash = hashOfOnly(SCRIPT, html);
        this.styleHash = hashOfOnly(STYLE, html);
    }

    /** Loads the page from the class path ({@code player.html} beside this class). */
    public static PlayerPage load() {
        try (InputStream in = PlayerPage.class.getResourceAsStream("player.html")) {
            if (in == null) {
                throw new IllegalStateException("player.html missing from the class path");
            }
            return new PlayerPage(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page (UTF-8). The caller must not modify the array. */
    byte[] html() {
        return html;
    }

    /** @param externalMedia whether the videos may come from another origin (redirects to presigned URLs) */
    public String contentSecurityPolicy(boolean externalMedia) {
        return "default-src 'none'; script-src '" + scriptHash + "'; style-src '" + styleHash + "'; "
                + "media-src 'self'" + (externalMedia ? " https: http:" : "") + "; connect-src 'self'; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private static String hashOfOnly(Pattern element, String html) {
        Matcher m = element.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("player.html has no " + element.pattern());
        }
        String body = m.group(1);
        if (m.find()) {
            throw new IllegalStateException("player.html has more than one " + element.pattern());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
