package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaresipTest {

    /** As baresip 1.0.0 with stdio wrote it: a status line, then "\r" and the text; a SIP trace line is not a text. */
    @Test
    void shownTextsAreTheLinesMenuPrintsForReceivedMessages() {
        String log = "baresip is ready.\n"
                + "[0:00:14] audio=64000/64000 video=15546/15546 (bit/s) efps=15.0/15.0    "
                + "\rsip:bob@127.0.0.1:5060;transport=udp: \"Consent to record granted.\"\n"
                + "Content-Type: text/plain\r\n"
                + "\rsip:recorder@127.0.0.1: \"Call recording ready: http://127.0.0.1:8080/recordings/r-x?sig=a "
                + "(expires 2026-12-01 10:00 UTC)\"\n";
        assertEquals(List.of(
                new Baresip.ShownText("sip:bob@127.0.0.1:5060;transport=udp", "Consent to record granted."),
                new Baresip.ShownText("sip:recorder@127.0.0.1",
                        "Call recording ready: http://127.0.0.1:8080/recordings/r-x?sig=a (expires 2026-12-01 10:00 UTC)")),
                Baresip.shownTexts(log));
    }

    @Test
    void aLogWithoutTextsShowsNone() {
        assertEquals(List.of(), Baresip.shownTexts("baresip is ready.\ncall: SIP Progress: 180 Ringing (/)\n"));
    }
}
