package io.callrec.sip;

import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.text.ParseException;
import java.util.regex.Pattern;

/**
 * JAIN-SIP's own parser, with three changes. The text of a parse error is reduced to printable ASCII: the stack
 * puts that text into the reason phrase of its automatic {@code 400 Bad Request}, and the parser's text quotes the
 * offending header, line breaks and NUL bytes included — which made the 400 itself malformed and echoed attacker
 * bytes back. Every request it parses goes through {@link RequestWireChecks}, which refuses or repairs what the
 * lenient parser gets wrong (RFC 4475 / RFC 5118 torture messages). And what the parser itself cannot survive is
 * kept from it (both found by fuzzing): a header section with a backslash right before a line end is refused
 * unread, since no SIP quoted-pair escapes CR or LF (RFC 3261 §25.1) and JAIN-SIP's Via comment parser, taking one
 * for an escape, runs past the end of the line and appends to a buffer until the heap is gone (one datagram, 20 s
 * of CPU, then an OutOfMemoryError); and a runtime exception from inside the parser counts as a parse error.
 * Installed with {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}.
 */
public final class SanitizingParserFactory implements MessageParserFactory {
    private static final int MAX_REASON = 80;
    /** Some parser messages start with a char[]'s identity ({@code [C@1b6d3586}): noise for the peer. */
    private static final Pattern ARRAY_IDENTITY = Pattern.compile("\\[C@[0-9a-f]+");
    private final MessageParserFactory delegate = new StringMsgParserFactory();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        MessageParser parser = delegate.createMessageParser(stack);
        return (bytes, readBody, strict, listener) -> parse(parser, bytes, readBody, strict, listener);
    }

    private static SIPMessage parse(MessageParser parser, byte[] bytes, boolean readBody, boolean strict,
                                    ParseExceptionListener listener) throws ParseException {
        try {
            SIPMessage message = parseSurvivably(parser, bytes, readBody, strict, listener);
            if (message instanceof SIPRequest request) {
                refuseOrRepair(bytes, readBody, request, listener);
            }
            return message;
        } catch (ParseException e) {
            throw new ParseException(printable(e.getMessage()), e.getErrorOffset());
        }
    }

    private static SIPMessage parseSurvivably(MessageParser parser, byte[] bytes, boolean readBody, boolean strict,
                                              ParseExceptionListener listener) throws ParseException {
        int escapedLineEnd = escapedLineEnd(bytes);
        if (escapedLineEnd >= 0) {
            throw new ParseException("backslash before a line end", escapedLineEnd);
        }
        try {
            return parser.parseSIPMessage(bytes, readBody, strict, listener);
        } catch (RuntimeException e) {
            // JAIN-SIP's own bugs on odd input (a NullPointerException for some Contact lists): still a message that
            // does not parse, which the stack answers with a 400 rather than logging it whole as an error.
            throw new ParseException("malformed message: " + e.getClass().getSimpleName(), 0);
        }
    }

    /**
     * The offset of a backslash that only spaces or control characters separate from a line end (or the end) in the
     * header section, which ends at a blank line; -1 if there is none. The parser trims a header line of those
     * characters before it reads it, so the backslash would be last.
     */
    static int escapedLineEnd(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\\') {
                int next = i + 1;
                while (next < bytes.length && (bytes[next] & 0xff) <= ' ' && bytes[next] != '\r' && bytes[next] != '\n') {
                    next++;
                }
                if (next == bytes.length || bytes[next] == '\r' || bytes[next] == '\n') {
                    return i;
                }
            }
            if (b == '\n' && (i + 1 < bytes.length && bytes[i + 1] == '\n'
                    || i + 2 < bytes.length && bytes[i + 1] == '\r' && bytes[i + 2] == '\n')) {
                return -1; // the body, which JAIN-SIP does not parse
            }
        }
        return -1;
    }

    private static void refuseOrRepair(byte[] bytes, boolean readBody, SIPRequest request,
                                       ParseExceptionListener listener) throws ParseException {
        try {
            // readBody is true exactly when the stack hands over a whole datagram (UDP); streams come in parts.
            RequestWireChecks.check(bytes, readBody, request);
        } catch (ParseException refused) {
            if (listener != null) {
                // The channel then treats it as its own parser's error in the request line: over UDP the stack
                // answers 400, over TCP the connection is closed (left alone, a stream would just skip it).
                listener.handleException(refused, request, RequestLine.class, request.getFirstLine(), null);
            }
            throw refused;
        }
    }

    static String printable(String text) {
        if (text == null) {
            return "malformed message";
        }
        text = ARRAY_IDENTITY.matcher(text).replaceAll("");
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REASON));
        for (int i = 0; i < text.length() && out.length() < MAX_REASON; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '(' && c != ')' ? c : ' ');
        }
        return out.toString().replaceAll(" {2,}", " ").trim();
    }
}
