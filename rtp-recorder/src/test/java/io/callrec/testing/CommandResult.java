package io.callrec.testing;

import java.util.List;

/** What a finished external command left: its exit code and everything it printed. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** This result, or an {@link IllegalStateException} naming the command and its output. */
    public CommandResult requireSuccess() {
        if (!succeeded()) {
            throw new IllegalStateException(describe());
        }
        return this;
    }

    public String describe() {
        return String.join(" ", command) + " exited with " + exitCode
                + "\n--- stdout ---\n" + ExternalCommand.tail(stdout, 4000)
                + "\n--- stderr ---\n" + ExternalCommand.tail(stderr, 4000);
    }
}
