package io.callrec.http.download;

import java.util.List;

/**
 * The conditional headers a download honours (RFC 9110 §13): {@code If-None-Match} with weak comparison and
 * {@code If-Range} with strong comparison. Tags are split at commas, which is exact for the SHA-256 tags this
 * service makes.
 */
final class EntityTags {
    private EntityTags() {
    }

    /** The strong tag of a file whose content has this SHA-256. */
    static String strong(String sha256) {
        return "\"" + sha256 + "\"";
    }

    /** Whether {@code If-None-Match} lists {@code etag} (or {@code *}): the client's copy is current. */
    static boolean noneMatchHits(List<String> ifNoneMatch, String etag) {
        if (etag == null || ifNoneMatch == null) {
            return false;
        }
        for (String line : ifNoneMatch) {
            for (String tag : line.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || opaque(t).equals(etag)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a Range may be honoured under {@code If-Range}: only when it holds exactly our strong tag. A weak tag
     * or a date (we send no Last-Modified) never matches, so the whole file is sent.
     */
    static boolean ifRangeAllows(String ifRange, String etag) {
        return ifRange == null || (etag != null && ifRange.strip().equals(etag));
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
