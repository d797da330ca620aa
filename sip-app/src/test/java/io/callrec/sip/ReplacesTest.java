package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

class ReplacesTest {
    private static final Replaces DIALOG = new Replaces("98732@sip.example.com", "r33th4x0r", "ff87ff", false);

    @Test
    void parsesTheRfc3891Example() {
        assertEquals(Optional.of(DIALOG), Replaces.parse("98732@sip.example.com;from-tag=ff87ff;to-tag=r33th4x0r"));
    }

    @Test
    void readsEarlyOnlyQuotedTagsAndSpacesAndIgnoresOtherParameters() {
        assertEquals(Optional.of(new Replaces("a1", "t", "f", true)),
                Replaces.parse(" a1 ; To-Tag=\"t\" ; from-tag = f ;early-only;x=y"));
    }

    @Test
    void bothTagsAreMandatory() {
        assertEquals(Optional.empty(), Replaces.parse("a1;to-tag=t"));
        assertEquals(Optional.empty(), Replaces.parse("a1;from-tag=f"));
        assertEquals(Optional.empty(), Replaces.parse("a1;to-tag=;from-tag=f"));
        assertEquals(Optional.empty(), Replaces.parse(";to-tag=t;from-tag=f"));
        assertEquals(Optional.empty(), Replaces.parse("a 1;to-tag=t;from-tag=f"));
        assertEquals(Optional.empty(), Replaces.parse(null));
    }

    @Test
    void toTagIsTheRecipientsLocalTag() {
        assertEquals(Optional.of(Replaces.Orientation.AS_SPECIFIED),
                DIALOG.match("98732@sip.example.com", "r33th4x0r", "ff87ff"));
    }

    @Test
    void swappedTagsStillNameTheDialog() {
        assertEquals(Optional.of(Replaces.Orientation.SWAPPED),
                DIALOG.match("98732@sip.example.com", "ff87ff", "r33th4x0r"));
    }

    @Test
    void everyPartMustMatch() {
        assertEquals(Optional.empty(), DIALOG.match("98732@SIP.example.com", "r33th4x0r", "ff87ff"),
                "Call-IDs compare case-sensitively");
        assertEquals(Optional.empty(), DIALOG.match("98732@sip.example.com", "r33th4x0r", "other"));
        assertEquals(Optional.empty(), DIALOG.match("98732@sip.example.com", "other", "ff87ff"));
        assertEquals(Optional.empty(), DIALOG.match("98732@sip.example.com", "r33th4x0r", "r33th4x0r"),
                "one tag twice is not the pair");
        assertEquals(Optional.empty(), DIALOG.match("98732@sip.example.com", "r33th4x0r", null),
                "a dialog without a remote tag yet");
    }

    @Test
    void theStackHandsOverTheHeaderValueAsSent() throws Exception {
        Request invite = SipFactories.messages().createRequest(String.join("\r\n",
                "INVITE sip:callrec@127.0.0.1:5060 SIP/2.0",
                "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1",
                "Max-Forwards: 70",
                "From: <sip:carol@example.com>;tag=n1",
                "To: <sip:callrec@127.0.0.1>",
                "Call-ID: new@127.0.0.1",
                "CSeq: 1 INVITE",
                "Replaces: 98732@sip.example.com;to-tag=r33th4x0r;from-tag=ff87ff;early-only",
                "Content-Length: 0", "", ""));
        Optional<Replaces> r = Replaces.parse(SipFactories.headerValue(invite.getHeader(Replaces.NAME)));
        assertTrue(r.isPresent(), String.valueOf(invite.getHeader(Replaces.NAME)));
        assertEquals(new Replaces("98732@sip.example.com", "r33th4x0r", "ff87ff", true), r.get());
    }
}
