package io.callrec.sip.limits;

/**
 * A glance at a raw SIP datagram before the stack parses it: its request line's method and whether its To header
 * has a tag. Enough to drop a flood early; never used to decide anything about a request that is parsed anyway.
 * Allocates nothing. Anything it cannot read it reports as not limited, leaving the verdict to the parser.
 */
final class DatagramPeek {
    private static final byte[] INVITE = ascii("INVITE");
    private static final byte[] REGISTER = ascii("REGISTER");
    private static final byte[] ACK = ascii("ACK");
    private static final byte[] CANCEL = ascii("CANCEL");
    private static final byte[] TAG = ascii("tag");
    /** Longer than any method name SIP has (SUBSCRIBE, 9). */
    private static final int MAX_METHOD = 16;

    private DatagramPeek() {
    }

    /**
     * The {@link RequestClass} of the request in {@code data[offset, offset + length)}, or null when it is not
     * limited or not understood: a response, a keep-alive, ACK, CANCEL, or a request whose To has a tag.
     */
    static RequestClass limitedClass(byte[] data, int offset, int length) {
        int end = offset + length;
        int space = offset;
        while (space < end && space - offset <= MAX_METHOD && isUpperLetter(data[space])) {
            space++;
        }
        if (space == offset || space >= end || data[space] != ' ' || space - offset > MAX_METHOD) {
            return null; // a response ("SIP/2.0 ..."), CRLF keep-alive or garbage
        }
        if (equals(data, offset, space, ACK) || equals(data, offset, space, CANCEL)) {
            return null;
        }
        if (toHasTag(data, space, end)) {
            return null;
        }
        if (equals(data, offset, space, INVITE)) {
            return RequestClass.INVITE;
        }
        return equals(data, offset, space, REGISTER) ? RequestClass.REGISTER : RequestClass.OPTIONS;
    }

    /** Whether the To (or compact t) header, looked for from {@code from} up to the blank line, carries a tag. */
    static boolean toHasTag(byte[] data, int from, int end) {
        int line = next(data, from, end);
        while (line < end) {
            int lineEnd = indexOf(data, line, end, (byte) '\n');
            int contentEnd = lineEnd > line && data[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == line) {
                return false; // end of headers
            }
            int colon = indexOf(data, line, contentEnd, (byte) ':');
            int nameEnd = colon;
            while (nameEnd > line && isBlank(data[nameEnd - 1])) {
                nameEnd--;
            }
            int nameLength = nameEnd - line;
            if (colon < contentEnd && (nameLength == 1 && lower(data[line]) == 't'
                    || nameLength == 2 && lower(data[line]) == 't' && lower(data[line + 1]) == 'o')) {
                return hasTagParameter(data, colon + 1, contentEnd);
            }
            line = lineEnd + 1;
        }
        return false;
    }

    private static boolean hasTagParameter(byte[] data, int from, int end) {
        for (int i = from; i < end; i++) {
            if (data[i] != ';') {
                continue;
            }
            int p = skipBlanks(data, i + 1, end);
            if (p + TAG.length <= end && equalsIgnoreCase(data, p, TAG)) {
                p = skipBlanks(data, p + TAG.length, end);
                if (p < end && data[p] == '=') {
                    return true;
                }
            }
        }
        return false;
    }

    private static int next(byte[] data, int from, int end) {
        int nl = indexOf(data, from, end, (byte) '\n');
        return nl < end ? nl + 1 : end;
    }

    private static int indexOf(byte[] data, int from, int end, byte b) {
        for (int i = from; i < end; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return end;
    }

    private static int skipBlanks(byte[] data, int from, int end) {
        int p = from;
        while (p < end && isBlank(data[p])) {
            p++;
        }
        return p;
    }

    private static boolean equals(byte[] data, int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (data[from + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsIgnoreCase(byte[] data, int from, byte[] lowerWord) {
        for (int i = 0; i < lowerWord.length; i++) {
            if (lower(data[from + i]) != lowerWord[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUpperLetter(byte b) {
        return b >= 'A' && b <= 'Z';
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
