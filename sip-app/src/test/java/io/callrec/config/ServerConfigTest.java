package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void toStringNeverShowsPasswords() throws Exception {
        ServerConfig c = ConfigLoader.load("--user", "alice:TopSecret1", "--user", "bob:TopSecret2");
        assertTrue(c.toString().contains("users={alice=***, bob=***}"), c.toString());
        assertFalse(c.toString().contains("TopSecret"));
    }

    @Test
    void collectionsAreImmutableAndKeepOrder() throws Exception {
        ServerConfig c = ConfigLoader.load("--user", "zed:1", "--user", "amy:2", "--route", "a=sip:x.example.net");
        assertEquals(List.of("zed", "amy"), List.copyOf(c.users().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.users().put("eve", "x"));
        assertThrows(UnsupportedOperationException.class, () -> c.routes().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.trustedPeers().clear());
    }
}
