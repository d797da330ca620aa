import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.callrec.bench.IoProbe;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * How much of a relay thread's time the JDK's NIO layer costs: {@link IoProbe}'s load and harness, relayed by the
 * same system calls its {@code nio} mode makes through the JDK selector, but made directly through the foreign-function
 * API (epoll_wait, recvfrom, sendto; no channel locks, no address objects). Needs Java 22 or later, so it is a
 * single-file program outside the probe's Java 17 build, run with the probe's jars on the class path:
 *
 * <pre>
 *   java -cp 'bench/io-probe/target/io-probe-1.jar:bench/io-probe/target/lib/*' --enable-native-access=ALL-UNNAMED \
 *       bench/io-probe/ffm/FfmProbe.java 300 8
 * </pre>
 *
 * Compare it with {@code IoProbe nio-v4} on the same Java ({@code io-probe-pair.sh} with CMD_A and CMD_B);
 * {@code -Dprobe.critical=true} links recvfrom and sendto as critical functions (no thread-state transition).
 * Linux x86-64 only (struct layouts).
 */
public final class FfmProbe {
    private static final boolean CRITICAL = Boolean.getBoolean("probe.critical");

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM_NONBLOCK = 2 | 04000;
    private static final int EPOLLIN = 1;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int MSG_DONTWAIT = 0x40;
    /** struct epoll_event is packed on x86-64: a 32-bit event mask, then 64 bits of user data. */
    private static final int EPOLL_EVENT_BYTES = 12;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE = libc("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = libc("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    // epoll_wait blocks: never critical, or a garbage collection would wait for it.
    private static final MethodHandle EPOLL_WAIT = libc("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RECVFROM = libc("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), CRITICAL);
    private static final MethodHandle SENDTO = libc("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), CRITICAL);

    private FfmProbe() {
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return libc(name, descriptor, false);
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor, boolean critical) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
        return critical ? LINKER.downcallHandle(symbol, descriptor, Linker.Option.critical(false))
                : LINKER.downcallHandle(symbol, descriptor);
    }

    public static void main(String[] args) throws Exception {
        IoProbe.run(CRITICAL ? "ffm-critical" : "ffm", Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                (lo, k, callers, callees) -> {
                    try {
                        return new FfmRelay(lo, k, callees);
                    } catch (Throwable e) { // a downcall's invokeExact declares Throwable
                        throw new IllegalStateException("cannot set up the relay", e);
                    }
                });
    }

    /** Both sockets of a stream are polled, as a relay of symmetric RTP must; only the first one receives here. */
    private static final class FfmRelay implements IoProbe.Relay {
        private final InetAddress lo;
        private final Thread thread;

        FfmRelay(InetAddress lo, int k, InetSocketAddress[] callees) throws Throwable {
            this.lo = lo;
            Arena arena = Arena.global();
            int epoll = (int) EPOLL_CREATE.invokeExact(0);
            int[] inFd = new int[k];
            int[] outFd = new int[k];
            MemorySegment[] destination = new MemorySegment[k];
            MemorySegment event = arena.allocate(EPOLL_EVENT_BYTES);
            for (int i = 0; i < k; i++) {
                inFd[i] = boundSocket(arena, IoProbe.in(lo, i).getPort());
                outFd[i] = boundSocket(arena, IoProbe.out(lo, i).getPort());
                destination[i] = loopback(arena, callees[i].getPort());
                event.set(JAVA_INT, 0, EPOLLIN);
                event.set(JAVA_LONG_UNALIGNED, 4, i);
                int added = (int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_ADD, inFd[i], event);
                event.set(JAVA_LONG_UNALIGNED, 4, -1 - i);
                added |= (int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_ADD, outFd[i], event);
                if (added != 0) {
                    throw new IllegalStateException("epoll_ctl failed");
                }
            }
            MemorySegment events = arena.allocate(EPOLL_EVENT_BYTES * 256L);
            MemorySegment buffer = arena.allocate(9001);
            MemorySegment source = arena.allocate(16);
            MemorySegment sourceLength = arena.allocate(4);
            this.thread = new Thread(() -> {
                try {
                    while (true) {
                        int ready = (int) EPOLL_WAIT.invokeExact(epoll, events, 256, -1);
                        for (int j = 0; j < ready; j++) {
                            int i = (int) events.get(JAVA_LONG_UNALIGNED, (long) EPOLL_EVENT_BYTES * j + 4);
                            sourceLength.set(JAVA_INT, 0, 16);
                            long length = (long) RECVFROM.invokeExact(i >= 0 ? inFd[i] : outFd[-1 - i], buffer,
                                    9001L, MSG_DONTWAIT, source, sourceLength);
                            if (length > 0 && i >= 0) {
                                long sent = (long) SENDTO.invokeExact(outFd[i], buffer, length, 0, destination[i], 16);
                            }
                        }
                    }
                } catch (Throwable e) {
                    e.printStackTrace();
                }
            }, "probe-relay");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public InetSocketAddress relayIn(int stream) {
            return IoProbe.in(lo, stream);
        }

        @Override
        public long threadId() {
            return thread.threadId();
        }

        @Override
        public void close() {
            // The JVM exits after the run (IoProbe.run), which closes the descriptors.
        }
    }

    private static int boundSocket(Arena arena, int port) throws Throwable {
        int fd = (int) SOCKET.invokeExact(AF_INET, SOCK_DGRAM_NONBLOCK, 0);
        if (fd < 0 || (int) BIND.invokeExact(fd, loopback(arena, port), 16) != 0) {
            throw new IllegalStateException("cannot bind 127.0.0.1:" + port);
        }
        return fd;
    }

    /** struct sockaddr_in for 127.0.0.1:port (family in host order, port and address in network order). */
    private static MemorySegment loopback(Arena arena, int port) {
        MemorySegment address = arena.allocate(16);
        address.set(JAVA_SHORT, 0, (short) AF_INET);
        address.set(JAVA_BYTE, 2, (byte) (port >> 8));
        address.set(JAVA_BYTE, 3, (byte) port);
        address.set(JAVA_BYTE, 4, (byte) 127);
        address.set(JAVA_BYTE, 7, (byte) 1);
        return address;
    }
}
