package io.callrec.testing;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandResultTest {

    @Test
    void requireSuccessPassesZeroThrough() {
        CommandResult ok = new CommandResult(List.of("true"), 0, "", "");
        assertSame(ok, ok.requireSuccess());
    }

    @Test
    void requireSuccessNamesCommandCodeAndOutput() {
        CommandResult bad = new CommandResult(List.of("tshark", "-r", "x.pcap"), 2, "partial", "x.pcap: no such file");
        IllegalStateException e = assertThrows(IllegalStateException.class, bad::requireSuccess);
        assertTrue(e.getMessage().startsWith("tshark -r x.pcap exited with 2"), e.getMessage());
        assertTrue(e.getMessage().contains("x.pcap: no such file"), e.getMessage());
        assertTrue(e.getMessage().contains("partial"), e.getMessage());
    }
}
