package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {

    @Test
    void thisJvmHasMemoryAndItsCpuTimeGrowsWithWork() {
        long pid = ProcessHandle.current().pid();
        long rss = ProcessUsage.rssKib(pid);
        assertTrue(rss > 10_000 && rss < 64L << 20, rss + " KiB");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = ProcessUsage.cpuMillis(pid);
        // Spin until this thread has had 200 ms of CPU, however busy the machine is (bounded at 20 s of waiting).
        long ownStart = threads.getCurrentThreadCpuTime();
        long giveUp = System.nanoTime() + 20_000_000_000L;
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - ownStart < 200_000_000L && System.nanoTime() < giveUp) {
            x += System.nanoTime() % 7;
        }
        long after = ProcessUsage.cpuMillis(pid);
        assertTrue(after >= before + 190 && x >= 0, before + " -> " + after + " ms after 200 ms of spinning");
    }

    @Test
    void theHeapRangeOfThisJvmHoldsTheHeapsResidentPartWhichGrowsWhenTheHeapIsTouched() throws Exception {
        long pid = ProcessHandle.current().pid();
        long[] range = ProcessUsage.javaHeapRange(pid);
        long reserved = range[1] - range[0];
        assertTrue(reserved >= Runtime.getRuntime().maxMemory(), reserved + " bytes reserved for the heap");
        long before = ProcessUsage.rssKibWithin(pid, range[0], range[1]);
        // Well below the whole: the JVM's code (libjvm alone is tens of MiB), stacks and metaspace lie outside it.
        long whole = ProcessUsage.rssKib(pid);
        assertTrue(before > 0 && whole - before >= 16 << 10, before + " KiB of the heap resident, " + whole + " in all");
        // 64 MiB that stay reachable, so the collector must keep them in the heap, resident once written.
        byte[][] held = new byte[64][];
        for (int i = 0; i < held.length; i++) {
            held[i] = new byte[1 << 20];
            Arrays.fill(held[i], (byte) i);
        }
        long after = ProcessUsage.rssKibWithin(pid, range[0], range[1]);
        assertTrue(after >= before + (32 << 10) || after >= (64 << 10), before + " -> " + after + " KiB with 64 MiB held"
                + " (" + held[63][0] + ")");
    }
}
