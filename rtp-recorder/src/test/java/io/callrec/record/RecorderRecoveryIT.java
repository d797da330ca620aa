package io.callrec.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callrec.testing.CommandResult;
import io.callrec.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal the server may not read. Root reads any file, so when the test runs as root (here and in CI) the
 * recovering JVM is started by {@code setpriv} without the capabilities that bypass file permissions.
 */
class RecorderRecoveryIT {
    @TempDir
    Path data;

    @Test
    void aJournalTheServerMayNotReadIsReportedAndMovedAsideAndTheOthersRecover() throws Exception {
        Path work = data.resolve("recording");
        for (String id : List.of("unreadable-1", "good-2")) {
            Files.createDirectories(work.resolve(id));
            Files.write(work.resolve(id).resolve("journal.crj"), RecorderRecoveryTest.journal(data, id, 50));
        }
        Path unreadable = work.resolve("unreadable-1").resolve("journal.crj");
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));

        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RecoveryHostMain.class.getName(), data.toString()));
        CommandResult run = ExternalCommand.run(Duration.ofSeconds(60), command);
        System.out.println(run.stdout());
        assertEquals(0, run.exitCode(), run.describe());

        String log = run.stdout();
        assertTrue(log.lines().anyMatch(l -> l.contains("recording unreadable-1 cannot be recovered: "
                + "java.nio.file.AccessDeniedException: " + unreadable) && l.contains("; moved to "
                + data.resolve("failed").resolve("unreadable-1-"))), log);
        assertTrue(log.lines().anyMatch(l -> l.equals("RECOVERED good-2")), "the other one recovers: " + log);
        try (var failed = Files.list(data.resolve("failed"))) {
            assertEquals(1, failed.filter(p -> p.getFileName().toString().startsWith("unreadable-1-")).count());
        }
        try (var left = Files.list(work)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
