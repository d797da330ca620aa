package io.callrec.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.text.ParseException;

/**
 * JAIN-SIP's own parser, with one change: the text of a parse error is reduced to printable ASCII. The stack puts
 * that text into the reason phrase of its automatic {@code 400 Bad Request}, and the parser's text quotes the
 * offending header, line breaks and NUL bytes included — which made the 400 itself malformed and echoed attacker
 * bytes back. Installed with {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}.
 */
public final class SanitizingParserFactory implements MessageParserFactory {
    private static final int MAX_REASON = 80;
    private final MessageParserFactory delegate = new StringMsgParserFactory();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        MessageParser parser = delegate.createMessageParser(stack);
        return (bytes, readBody, strict, listener) -> parse(parser, bytes, readBody, strict, listener);
    }

    private static SIPMessage parse(MessageParser parser, byte[] bytes, boolean readBody, boolean strict,
                                    ParseExceptionListener listener) throws ParseException {
        try {
            return parser.parseSIPMessage(bytes, readBody, strict, listener);
        } catch (ParseException e) {
            throw new ParseException(printable(e.getMessage()), e.getErrorOffset());
        }
    }

    static String printable(String text) {
        if (text == null) {
            return "malformed message";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REASON));
        for (int i = 0; i < text.length() && out.length() < MAX_REASON; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '(' && c != ')' ? c : ' ');
        }
        return out.toString().replaceAll(" {2,}", " ").trim();
    }
}
