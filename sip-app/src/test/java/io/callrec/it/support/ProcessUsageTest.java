package io.callrec.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
}
