package io.callrec.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a process uses now, read from Linux's {@code /proc/PID}: resident memory (the figure {@code ps -o rss}
 * prints, from the same file) and CPU time.
 */
public final class ProcessUsage {
    /** {@code USER_HZ}: the unit of the CPU times in {@code /proc/PID/stat} on every Linux that ships. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessUsage() {
    }

    /** Resident set size in KiB ({@code VmRSS}). */
    public static long rssKib(long pid) {
        for (String line : read(pid, "status").split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid + " (a zombie?)");
    }

    /** User plus system CPU time so far, in milliseconds. */
    public static long cpuMillis(long pid) {
        String stat = read(pid, "stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            throw new UncheckedIOException("process " + pid + " is gone", e);
        }
    }
}
