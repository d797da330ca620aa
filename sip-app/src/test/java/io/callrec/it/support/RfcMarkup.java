package io.callrec.it.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a SIP message written the way RFC 4475 section 2 (and RFC 5118) print them into the bytes on the wire:
 * <ul>
 * <li>each text line ends in CRLF (the files hold plain LF lines);</li>
 * <li>{@code <allOneLine>} and {@code </allOneLine>}, each alone on a line, enclose lines that are one line on the
 *     wire: they are concatenated as they are (whitespace at a fold point starts the next line);</li>
 * <li>{@code <hex>0D0A</hex>} is the octets those hex digits name; whitespace and line breaks between the digits
 *     are only layout;</li>
 * <li>{@code <repeat count=20>really</repeat>} is the text repeated that many times.</li>
 * </ul>
 * Everything else must be printable ASCII (trailing spaces included: RFC 4475 3.1.1.13 and 3.1.2.10 depend on
 * them), so that no byte of a test message hides in an editor.
 */
public final class RfcMarkup {
    private static final String ALL_ONE_LINE = "<allOneLine>";
    private static final String END_ALL_ONE_LINE = "</allOneLine>";
    private static final Pattern REPEAT = Pattern.compile("<repeat count=(\\d+)>(.*?)</repeat>", Pattern.DOTALL);
    private static final Pattern HEX = Pattern.compile("<hex>([0-9A-Fa-f\\s]*)</hex>");

    private RfcMarkup() {
    }

    /** The wire bytes of {@code text}, which must end with a line break. */
    public static byte[] expand(String text) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("the last line has no line break (" + text.length() + " chars)");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        StringBuilder joined = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            checkPrintable(lines[i], i + 1);
            if (lines[i].equals(ALL_ONE_LINE)) {
                int end = i + 1;
                while (end < lines.length && !lines[end].equals(END_ALL_ONE_LINE)) {
                    checkPrintable(lines[end], end + 1);
                    joined.append(lines[end]);
                    end++;
                }
                if (end == lines.length) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": " + ALL_ONE_LINE + " is never closed");
                }
                i = end;
            } else if (lines[i].equals(END_ALL_ONE_LINE)) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + END_ALL_ONE_LINE + " without its start");
            } else {
                joined.append(lines[i]);
            }
            joined.append("\r\n");
        }
        return hexToBytes(repeat(joined.toString()));
    }

    private static String repeat(String text) {
        Matcher m = REPEAT.matcher(text);
        StringBuilder out = new StringBuilder(text.length() * 2);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static byte[] hexToBytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        Matcher m = HEX.matcher(text);
        int pos = 0;
        while (m.find()) {
            out.writeBytes(text.substring(pos, m.start()).getBytes(StandardCharsets.US_ASCII));
            String digits = m.group(1).replaceAll("\\s", "");
            if (digits.length() % 2 != 0) {
                throw new IllegalArgumentException("odd number of hex digits (" + digits.length() + ") at " + m.start());
            }
            out.writeBytes(HexFormat.of().parseHex(digits));
            pos = m.end();
        }
        String rest = text.substring(pos);
        if (rest.contains("<hex>") || rest.contains("</hex>")) {
            throw new IllegalArgumentException("a <hex> element holds something other than hex digits");
        }
        out.writeBytes(rest.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static void checkPrintable(String line, int number) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(String.format(
                        "line %d, column %d: character 0x%02x must be written as <hex>", number, i + 1, (int) c));
            }
        }
    }
}
