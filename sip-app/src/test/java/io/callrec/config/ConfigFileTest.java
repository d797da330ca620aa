package io.callrec.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFileTest {

    private static final Map<String, Boolean> KEYS = Map.of("sip-port", false, "route", true, "user", true);

    @Test
    void readsKeyValueLinesSkippingCommentsAndBlanks() throws Exception {
        List<Setting> settings = ConfigFile.parse("c.conf", List.of(
                "\uFEFF# first line comment after a byte order mark",
                "",
                "  sip-port =  5070  ",
                "   # indented comment",
                "route = ^1\\d{3}$=sip:pbx.example.net",
                "user=alice:pa=ss # not a comment"), KEYS);
        assertEquals(List.of(
                new Setting("sip-port", "5070", "c.conf:3: sip-port"),
                new Setting("route", "^1\\d{3}$=sip:pbx.example.net", "c.conf:5: route"),
                new Setting("user", "alice:pa=ss # not a comment", "c.conf:6: user")), settings);
    }

    @Test
    void repeatableKeysMayRepeat() throws Exception {
        assertEquals(2, ConfigFile.parse("c.conf", List.of("route = a=sip:x", "route = b=sip:y"), KEYS).size());
    }

    @Test
    void singleValuedKeyRepeatedIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("c.conf", List.of("sip-port = 1", "#", "sip-port = 2"), KEYS));
        assertEquals("c.conf:3: sip-port is already set on line 1", e.getMessage());
    }

    @Test
    void unknownKeyLineWithoutEqualsAndConfigKeyAreErrors() {
        assertEquals("c.conf:2: unknown key 'sip-prot'", assertThrows(ConfigException.class,
                () -> ConfigFile.parse("c.conf", List.of("", "sip-prot = 1"), KEYS)).getMessage());
        assertEquals("c.conf:1: expected 'key = value'", assertThrows(ConfigException.class,
                () -> ConfigFile.parse("c.conf", List.of("sip-port 5060"), KEYS)).getMessage());
        assertEquals("c.conf:1: config cannot be set inside a config file", assertThrows(ConfigException.class,
                () -> ConfigFile.parse("c.conf", List.of("config = other.conf"), KEYS)).getMessage());
        assertEquals("c.conf:1: unknown key 'help'", assertThrows(ConfigException.class,
                () -> ConfigFile.parse("c.conf", List.of("help = true"), KEYS)).getMessage());
    }
}
