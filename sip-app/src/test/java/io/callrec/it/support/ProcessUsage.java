package io.callrec.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Resident KiB of the address range {@code [start, end)}, summed over the mappings inside it ({@code smaps}): for
     * a JVM's heap, what of its reservation is in memory now, whatever part the collector has committed.
     */
    public static long rssKibWithin(long pid, long start, long end) {
        long total = 0;
        boolean inside = false;
        for (String line : read(pid, "smaps").split("\n")) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = from >= start && to <= end;
            } else if (inside && line.startsWith("Rss:")) {
                total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    /**
     * The address range {@code {start, end}} a running JVM reserved for its heap, as {@code jcmd PID GC.heap_info}
     * prints it ({@code [0x00000000e0000000, 0x0000000100000000)}); the JDK running the tests provides {@code jcmd}.
     */
    public static long[] javaHeapRange(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " GC.heap_info failed: " + out);
        }
        Matcher m = Pattern.compile("heap.*\\[0x([0-9a-f]+), ?0x([0-9a-f]+)\\)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no heap range in jcmd's answer: " + out);
        }
        return new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
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
