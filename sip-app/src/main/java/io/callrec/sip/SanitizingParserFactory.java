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
 * JAIN-SIP's own parser, with two changes. The text of a parse error is reduced to printable ASCII: the stack puts
 * that text into the reason phrase of its automatic {@code 400 Bad Request}, and the parser's text quotes the
 * offending header, line breaks and NUL bytes included — which made the 400 itself malformed and echoed attacker
 * bytes back. And every request it parses goes through {@link RequestWireChecks}, which refuses or repairs what the
 * lenient parser gets wrong (RFC 4475 / RFC 5118 torture messages). Installed with
 * {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}.
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
            SIPMessage message = parser.parseSIPMessage(bytes, readBody, strict, listener);
            if (message instanceof SIPRequest request) {
                refuseOrRepair(bytes, readBody, request, listener);
            }
            return message;
        } catch (ParseException e) {
            throw new ParseException(printable(e.getMessage()), e.getErrorOffset());
        }
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
