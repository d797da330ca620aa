import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * How much of a relay thread's time the JDK's NIO layer costs: the probe's load (k one-way streams, a 172-byte packet
 * per stream every 20 ms, one burst per tick) relayed either by the JDK selector ({@code nio}) or by the same system
 * calls made directly through the foreign-function API ({@code ffm}: epoll_wait, recvfrom, sendto; no channel locks,
 * no address objects). Needs Java 22 or later, so it is a single-file program outside the build:
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED bench/io-probe/ffm/FfmProbe.java ffm 300 8
 * </pre>
 *
 * {@code -Dprobe.basePort} moves the relay's ports (two probes side by side: {@code io-probe-pair.sh} with CMD_A and
 * CMD_B); {@code -Dprobe.critical=true} links recvfrom and sendto as critical functions (no thread-state transition).
 * Prints the relay thread's CPU time per packet delivered, like {@code IoProbe}. Linux x86-64 only (struct layouts).
 * The load driver repeats {@code IoProbe}'s on purpose: this file runs alone under Java 22+, outside the probe's
 * Java 17 build, so it cannot share that code; the two must send the same load for their figures to compare.
 */
public final class FfmProbe {
    private static final long TICK_NANOS = 20_000_000L;
    private static final int PACKET_BYTES = 172;
    private static final int WARM_UP_TICKS = Integer.getInteger("probe.warmUpTicks", 500);
    private static final int BASE_PORT = Integer.getInteger("probe.basePort", 12000);
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

    public static void main(String[] args) throws Throwable {
        String mode = args[0];
        int k = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        DatagramChannel[] callers = new DatagramChannel[k];
        DatagramChannel[] callees = new DatagramChannel[k];
        int[] calleePorts = new int[k];
        for (int i = 0; i < k; i++) {
            callers[i] = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(lo, 0));
            callees[i] = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(lo, 0));
            callers[i].configureBlocking(false);
            callees[i].configureBlocking(false);
            callees[i].setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            calleePorts[i] = ((InetSocketAddress) callees[i].getLocalAddress()).getPort();
        }
        Runnable loop = switch (mode) {
            case "nio" -> nioRelay(lo, k, calleePorts);
            case "ffm" -> ffmRelay(k, calleePorts);
            default -> throw new IllegalArgumentException("mode nio or ffm, not " + mode);
        };
        Thread relay = new Thread(loop, "probe-relay");
        relay.setDaemon(true);
        relay.start();
        drive(mode + (CRITICAL ? "-critical" : ""), relay, lo, callers, callees, seconds);
        System.exit(0);
    }

    /** Both sockets of a stream are polled, as a relay of symmetric RTP must; only the first one receives here. */
    private static Runnable ffmRelay(int k, int[] calleePorts) throws Throwable {
        Arena arena = Arena.global();
        int epoll = (int) EPOLL_CREATE.invokeExact(0);
        int[] inFd = new int[k];
        int[] outFd = new int[k];
        MemorySegment[] destination = new MemorySegment[k];
        MemorySegment event = arena.allocate(EPOLL_EVENT_BYTES);
        for (int i = 0; i < k; i++) {
            inFd[i] = boundSocket(arena, BASE_PORT + 2 * i);
            outFd[i] = boundSocket(arena, BASE_PORT + 2 * i + 1);
            destination[i] = loopback(arena, calleePorts[i]);
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
        return () -> {
            try {
                while (true) {
                    int ready = (int) EPOLL_WAIT.invokeExact(epoll, events, 256, -1);
                    for (int j = 0; j < ready; j++) {
                        int i = (int) events.get(JAVA_LONG_UNALIGNED, (long) EPOLL_EVENT_BYTES * j + 4);
                        sourceLength.set(JAVA_INT, 0, 16);
                        long length = (long) RECVFROM.invokeExact(i >= 0 ? inFd[i] : outFd[-1 - i], buffer, 9001L,
                                MSG_DONTWAIT, source, sourceLength);
                        if (length > 0 && i >= 0) {
                            long sent = (long) SENDTO.invokeExact(outFd[i], buffer, length, 0, destination[i], 16);
                        }
                    }
                }
            } catch (Throwable e) {
                e.printStackTrace();
            }
        };
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

    /** The probe's {@code nio} relay on this JVM: the same as {@code IoProbe nio-v4} without its socket buffer sizes. */
    private static Runnable nioRelay(InetAddress lo, int k, int[] calleePorts) throws Exception {
        Selector selector = Selector.open();
        DatagramChannel[] outs = new DatagramChannel[k];
        InetSocketAddress[] destinations = new InetSocketAddress[k];
        for (int i = 0; i < k; i++) {
            DatagramChannel in = DatagramChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(lo, BASE_PORT + 2 * i));
            outs[i] = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(lo, BASE_PORT + 2 * i + 1));
            in.configureBlocking(false);
            outs[i].configureBlocking(false);
            in.register(selector, SelectionKey.OP_READ, i);
            outs[i].register(selector, SelectionKey.OP_READ, -1 - i);
            destinations[i] = new InetSocketAddress(lo, calleePorts[i]);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(9001);
        Consumer<SelectionKey> onReady = key -> {
            int i = (Integer) key.attachment();
            try {
                SocketAddress source = ((DatagramChannel) key.channel()).receive(buffer.clear());
                if (source != null && i >= 0) {
                    outs[i].send(buffer.flip(), destinations[i]);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        return () -> {
            try {
                while (true) {
                    selector.select(onReady);
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        };
    }

    private static void drive(String mode, Thread relay, InetAddress lo, DatagramChannel[] callers,
                              DatagramChannel[] callees, int seconds) throws Exception {
        int k = callers.length;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        InetSocketAddress[] relayIn = new InetSocketAddress[k];
        for (int i = 0; i < k; i++) {
            relayIn[i] = new InetSocketAddress(lo, BASE_PORT + 2 * i);
        }
        ByteBuffer packet = ByteBuffer.allocateDirect(PACKET_BYTES);
        ByteBuffer sink = ByteBuffer.allocateDirect(2048);
        long ticks = seconds * (1_000_000_000L / TICK_NANOS);
        long received = 0;
        long cpuStart = 0;
        long wallStart = 0;
        long next = System.nanoTime();
        for (long tick = 0; tick < WARM_UP_TICKS + ticks; tick++) {
            if (tick == WARM_UP_TICKS) {
                cpuStart = threads.getThreadCpuTime(relay.threadId());
                wallStart = System.nanoTime();
                received = 0;
            }
            for (int i = 0; i < k; i++) {
                packet.clear().put(0, (byte) 0x80).put(1, (byte) 8).putShort(2, (short) tick)
                        .putInt(4, (int) (tick * 160)).putInt(8, 0x1000 + i);
                callers[i].send(packet, relayIn[i]);
            }
            next += TICK_NANOS;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
            for (DatagramChannel callee : callees) {
                while (callee.receive(sink.clear()) != null) {
                    received++;
                }
            }
        }
        long cpu = threads.getThreadCpuTime(relay.threadId()) - cpuStart;
        double wall = (System.nanoTime() - wallStart) / 1e9;
        System.out.printf("%s k=%d: received %d of %d in %.1f s, relay thread %.1f %% of a core, %.2f us/pkt%n",
                mode, k, received, ticks * k, wall, 100.0 * cpu / 1e9 / wall, received == 0 ? 0.0 : cpu / 1e3 / received);
    }
}
