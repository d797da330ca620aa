package io.callrec.sip.routing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteDecisionTest {

    @Test
    void toRegisteredNeedsAtLeastOneBinding() {
        assertThrows(IllegalArgumentException.class, () -> new RouteDecision.ToRegistered(List.of()));
    }

    @Test
    void toUriNeedsUriAndVia() {
        assertThrows(NullPointerException.class, () -> new RouteDecision.ToUri(null, "direct"));
        assertThrows(NullPointerException.class, () -> new RouteDecision.ToUri("sip:x", null));
    }
}
