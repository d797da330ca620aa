package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StaticRouteTest {

    @Test
    void equalWhenPatternTextAndTargetAreEqual() {
        StaticRoute a = new StaticRoute(Pattern.compile("^1\\d{3}$"), "sip:pbx.example.net");
        StaticRoute b = new StaticRoute(Pattern.compile("^1\\d{3}$"), "sip:pbx.example.net");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new StaticRoute(Pattern.compile("^2"), "sip:pbx.example.net"));
        assertNotEquals(a, new StaticRoute(Pattern.compile("^1\\d{3}$"), "sip:other.example.net"));
        assertEquals("^1\\d{3}$=sip:pbx.example.net", a.toString());
    }
}
