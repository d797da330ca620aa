package io.callrec.control;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a peer's text answer to a consent prompt (spec §3): an in-dialog {@code text/plain} MESSAGE, also wrapped
 * in {@code message/cpim} (RFC 3862), whose whole text is one of the yes or no words (any letter case, surrounding
 * spaces and a final {@code .} or {@code !} allowed). Is-composing (RFC 3994) and delivery notifications (IMDN,
 * RFC 5438) are recognised so they can be answered 200 and dropped. Immutable; thread-safe.
 */
public final class PeerAnswerParser {

    /** What a MESSAGE body means during a consent window. */
    public enum Answer {
        YES, NO,
        /** Is-composing or a delivery notification: answer 200, relay nothing. */
        IGNORED,
        /** Anything else: relay it as usual. */
        NOT_AN_ANSWER
    }

    /** An answer is a word; a long text is a conversation, not an answer. */
    static final int MAX_ANSWER_CHARS = 64;
    private static final int MAX_CPIM_NESTING = 2;

    private final Set<String> yes;
    private final Set<String> no;

    /** @throws IllegalArgumentException if a word is empty or on both lists */
    public PeerAnswerParser(Collection<String> yesWords, Collection<String> noWords) {
        this.yes = normalised(yesWords);
        this.no = normalised(noWords);
        for (String w : yes) {
            if (no.contains(w)) {
                throw new IllegalArgumentException("answer word '" + w + "' is both yes and no");
            }
        }
    }

    /** {@code yes} and {@code no}. */
    public static PeerAnswerParser defaults() {
        return new PeerAnswerParser(Set.of("yes"), Set.of("no"));
    }

    private static Set<String> normalised(Collection<String> words) {
        Set<String> set = words.stream().map(w -> normalise(w)).collect(Collectors.toUnmodifiableSet());
        if (set.isEmpty() || set.contains("")) {
            throw new IllegalArgumentException("answer words must be non-empty: " + words);
        }
        return set;
    }

    private static String normalise(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        while (!t.isEmpty() && (t.endsWith(".") || t.endsWith("!"))) {
            t = t.substring(0, t.length() - 1).strip();
        }
        return t.replaceAll("\\s+", " ");
    }

    /** The meaning of a MESSAGE body of {@code contentType}. */
    public Answer parse(String contentType, byte[] body) {
        return parse(contentType, body == null ? new byte[0] : body, 0);
    }

    /** The meaning of a plain text. */
    public Answer parseText(String text) {
        if (text.length() > MAX_ANSWER_CHARS) {
            return Answer.NOT_AN_ANSWER;
        }
        String t = normalise(text);
        if (yes.contains(t)) {
            return Answer.YES;
        }
        return no.contains(t) ? Answer.NO : Answer.NOT_AN_ANSWER;
    }

    private Answer parse(String contentType, byte[] body, int depth) {
        MediaType type = MediaType.parse(contentType);
        switch (type.name) {
            case "text/plain":
                return body.length > MAX_ANSWER_CHARS * 4 ? Answer.NOT_AN_ANSWER
                        : parseText(new String(body, type.charset()));
            case "application/im-iscomposing+xml", "message/imdn+xml":
                return Answer.IGNORED;
            case "message/cpim":
                return depth < MAX_CPIM_NESTING ? cpim(body, depth) : Answer.NOT_AN_ANSWER;
            default:
                return Answer.NOT_AN_ANSWER;
        }
    }

    /** RFC 3862: message headers, a blank line, the MIME headers of the content, a blank line, the content. */
    private Answer cpim(byte[] body, int depth) {
        String text = new String(body, StandardCharsets.UTF_8);
        int end1 = blankLine(text, 0);
        if (end1 < 0) {
            return Answer.NOT_AN_ANSWER;
        }
        int start2 = afterBlankLine(text, end1);
        int end2 = blankLine(text, start2);
        String mimeHeaders = end2 < 0 ? text.substring(start2) : text.substring(start2, end2);
        String content = end2 < 0 ? "" : text.substring(afterBlankLine(text, end2));
        String innerType = null;
        for (String line : mimeHeaders.split("\r\n|\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-type")) {
                innerType = line.substring(colon + 1).trim();
            }
        }
        if (innerType == null) {
            return Answer.NOT_AN_ANSWER;
        }
        // The content is in the charset its MIME headers name; the CPIM wrapper itself is UTF-8.
        byte[] inner = content.getBytes(StandardCharsets.UTF_8);
        return parse(innerType, inner, depth + 1);
    }

    private static int blankLine(String text, int from) {
        int crlf = text.indexOf("\r\n\r\n", from);
        int lf = text.indexOf("\n\n", from);
        if (crlf < 0) {
            return lf;
        }
        return lf < 0 ? crlf : Math.min(crlf, lf);
    }

    private static int afterBlankLine(String text, int at) {
        return text.startsWith("\r\n\r\n", at) ? at + 4 : at + 2;
    }

    /** A media type and its charset parameter, lower-cased. */
    private record MediaType(String name, String charsetName) {
        static MediaType parse(String contentType) {
            if (contentType == null) {
                return new MediaType("", null);
            }
            String[] parts = contentType.split(";", -1); // ";" alone gives empty parts, not no parts
            String charset = null;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                    charset = p.substring(eq + 1).trim().replace("\"", "");
                }
            }
            return new MediaType(parts[0].trim().toLowerCase(Locale.ROOT), charset);
        }

        Charset charset() {
            try {
                return charsetName == null ? StandardCharsets.UTF_8 : Charset.forName(charsetName);
            } catch (IllegalArgumentException e) {
                return StandardCharsets.UTF_8;
            }
        }
    }
}
