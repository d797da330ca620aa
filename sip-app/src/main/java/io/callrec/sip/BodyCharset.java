package io.callrec.sip;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.sip.header.ContentTypeHeader;

/**
 * Whether a body can be relayed under the Content-Type it came with. JAIN-SIP encodes a message's whole header
 * section in the charset its Content-Type names, not only the body: a charset Java does not know throws out of the
 * send (found by {@code SipMessageFuzz}: {@code text/plain;charset=UTF-4}), and one that is not ASCII-compatible
 * ({@code UTF-16}) puts headers on the wire that no SIP parser reads. Such a body is refused (requests: 415) or left
 * out (responses), never sent garbled.
 */
final class BodyCharset {
    /** Every printable ASCII character and CRLF: what a header section is made of. */
    private static final byte[] PROBE;

    static {
        byte[] probe = new byte[0x7f - 0x20 + 2];
        for (int c = 0x20; c < 0x7f; c++) {
            probe[c - 0x20] = (byte) c;
        }
        probe[probe.length - 2] = '\r';
        probe[probe.length - 1] = '\n';
        PROBE = probe;
    }

    private BodyCharset() {
    }

    /** The charset parameter of {@code type}, or null when it names none. */
    static String of(ContentTypeHeader type) {
        return type == null ? null : type.getParameter("charset");
    }

    /** True when a body under {@code type} can be relayed with that header unchanged. */
    static boolean relayable(ContentTypeHeader type) {
        String name = of(type);
        if (name == null) {
            return true;
        }
        Charset charset;
        try {
            if (!Charset.isSupported(name.strip())) {
                return false;
            }
            charset = Charset.forName(name.strip());
        } catch (IllegalCharsetNameException e) {
            return false;
        }
        if (!charset.canEncode()) {
            return false;
        }
        String ascii = new String(PROBE, StandardCharsets.US_ASCII);
        return Arrays.equals(ascii.getBytes(charset), PROBE);
    }
}
