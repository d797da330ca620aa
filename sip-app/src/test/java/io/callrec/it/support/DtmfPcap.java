package io.callrec.it.support;

import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Pcaps with key presses (RFC 4733 telephone-events) for SIPp callers, made by {@code docs/sipp/dtmf-pcap.py}: the
 * tool testers use is the one the tests use, so it stays working.
 */
public final class DtmfPcap {
    private static final String TOOL = "dtmf-pcap.py";

    private DtmfPcap() {
    }

    /**
     * @param in           classic pcap (Ethernet, Linux cooked or raw IPv4) of one RTP stream of 20 ms packets
     * @param out          where the result goes
     * @param digits       the keys, one every {@code spacingMillis} from {@code firstMillis}
     * @param payloadType  the telephone-event payload type of the SDP
     */
    public static Path withDigits(Path in, Path out, String digits, int firstMillis, int spacingMillis,
                                  int payloadType) {
        Path tool = out.resolveSibling(TOOL);
        try (InputStream script = DtmfPcap.class.getResourceAsStream(Sipp.SCENARIO_RESOURCE_DIR + TOOL)) {
            if (script == null) {
                throw new IllegalStateException(TOOL + " is not on the test classpath (docs/sipp)");
            }
            Files.copy(script, tool, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CommandResult r = ExternalCommand.run(Duration.ofSeconds(30), "python3", tool.toString(), in.toString(),
                out.toString(), digits, "--first-ms", Integer.toString(firstMillis), "--spacing-ms",
                Integer.toString(spacingMillis), "--payload-type", Integer.toString(payloadType));
        if (r.exitCode() != 0 || !Files.isRegularFile(out)) {
            throw new IllegalStateException(TOOL + " failed: " + r);
        }
        return out;
    }
}
