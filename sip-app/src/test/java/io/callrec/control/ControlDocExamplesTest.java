package io.callrec.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The example bodies in docs/control.md are what the codec reads: the docs cannot drift from the code. */
class ControlDocExamplesTest {
    private static final Pattern EXAMPLE = Pattern.compile("`(\\{\"type\":[^`]*)`");

    private static List<String> examples(String doc, String heading) {
        int start = doc.indexOf(heading);
        int end = doc.indexOf("\n### ", start + heading.length());
        Matcher m = EXAMPLE.matcher(doc.substring(start, end));
        return m.results().map(r -> r.group(1)).toList();
    }

    @Test
    void everyExampleMessageParses() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "control.md"), StandardCharsets.UTF_8);
        List<String> toServer = examples(doc, "### Messages you send");
        List<String> toUa = examples(doc, "### Messages callrec sends you");
        assertEquals(7, toServer.size(), toServer.toString());
        assertEquals(7, toUa.size(), toUa.toString());
        for (String json : toServer) {
            ParseResult r = ControlCodec.parse(json.getBytes(StandardCharsets.UTF_8), ControlCodec.CONTENT_TYPE);
            assertInstanceOf(ControlMessage.ToServer.class, assertInstanceOf(ParseResult.Parsed.class, r, json)
                    .message(), json);
        }
        for (String json : toUa) {
            ParseResult r = ControlCodec.parseFromServer(json.getBytes(StandardCharsets.UTF_8),
                    ControlCodec.CONTENT_TYPE);
            assertInstanceOf(ParseResult.Parsed.class, r, json);
        }
    }
}
