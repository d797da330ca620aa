package io.callrec.bench;

import io.callrec.media.relay.RelayConfig;
import io.callrec.media.relay.RelayStream;
import io.callrec.media.relay.RtpRelay;
import io.callrec.media.relay.Side;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What one relay thread spends per forwarded packet, by I/O method, under one synthetic load: {@code k} streams, each
 * a caller socket sending a 172-byte RTP packet every 20 ms to its relay socket, which forwards it out of a second
 * socket to the stream's callee. All callers send in one burst per 20 ms tick (SIPp's {@code rtp_stream} shape); the
 * driver drains the callees between ticks. CPU is the relay thread's own ({@code getThreadCpuTime}: precise, not
 * tick-sampled), divided by the packets the callees received.
 *
 * <p>Modes: {@code nio} (JDK selector, receive/send: the floor of a NIO relay), {@code nio-v4} (the same with
 * IPv4 sockets and 256 KiB socket buffers, as callrec opens them), {@code nio-connected} (the same with
 * both sockets connected: no addresses per packet), {@code netty-epoll} and {@code netty-uring} (Netty's datagram
 * channels), {@code uring} (raw io_uring operations on one Netty event loop: a single-shot RECVMSG per socket, re-armed
 * after the SENDMSG that forwards it), {@code callrec} (callrec's {@link RtpRelay}, one thread). Not a test: run through {@code bench/io-probe.sh}, which alternates modes and prints medians.
 *
 * <p>Usage: {@code IoProbe MODE STREAMS SECONDS}.
 */
public final class IoProbe {
    /**
     * The relay's first port: below the kernel's ephemeral range (32768-60999), so no socket of another process takes
     * one by chance; another base lets two probes run side by side (paired runs of two relay builds).
     */
    private static final int BASE_PORT = Integer.getInteger("probe.basePort", 12000);
    private static final int PACKET_BYTES = 172;
    private static final long TICK_NANOS = 20_000_000L;
    /**
     * 10 s before the window: the relay's code must be compiled by C2 first (callrec's relay, with more code than the
     * minimal loops, measured 20-35 % more per packet with a 2 s warm-up and the same as they with 10 s).
     */
    private static final int WARM_UP_TICKS = Integer.getInteger("probe.warmUpTicks", 500);

    private IoProbe() {
    }

    /** A relay under test: forwards from {@code relayIn(i)} to {@code callee(i)}; runs on one thread. */
    public interface Relay extends AutoCloseable {
        InetSocketAddress relayIn(int stream);

        long threadId();

        @Override
        void close() throws Exception;
    }

    /** A relay of the probe's own, on the fixed ports {@link #in} and {@link #out}. */
    abstract static class ProbeRelay implements Relay {
        final InetAddress lo;

        ProbeRelay(InetAddress lo) {
            this.lo = lo;
        }

        @Override
        public InetSocketAddress relayIn(int stream) {
            return in(lo, stream);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: IoProbe nio|nio-v4|nio-connected|netty-epoll|netty-uring|uring|callrec "
                    + "STREAMS SECONDS");
            System.exit(2);
        }
        String mode = args[0];
        run(mode, Integer.parseInt(args[1]), Integer.parseInt(args[2]), (lo, k, callerAddresses, calleeAddresses) ->
                switch (mode) {
                    case "nio" -> new NioRelay(lo, k, calleeAddresses, null, false);
                    case "nio-v4" -> new NioRelay(lo, k, calleeAddresses, null, true);
                    case "nio-connected" -> new NioRelay(lo, k, calleeAddresses, callerAddresses, false);
                    case "nio-rtcp" -> new NioRelay(lo, k, calleeAddresses, null, true, true);
                    case "netty-epoll", "netty-uring" ->
                            new NettyChannelRelay(lo, k, calleeAddresses, mode.endsWith("uring"));
                    case "uring" -> new UringRelay(lo, k, calleeAddresses);
                    case "callrec" -> new CallrecRelay(lo, k, callerAddresses, calleeAddresses);
                    default -> throw new IllegalArgumentException("unknown mode " + mode);
                });
    }

    /** Opens the relay under test for {@code k} streams between the callers' and the callees' sockets. */
    public interface RelayFactory {
        Relay open(InetAddress lo, int k, InetSocketAddress[] callers, InetSocketAddress[] callees) throws Exception;
    }

    /**
     * Runs the probe's load through the relay {@code factory} opens and prints its CPU per packet; exits the JVM.
     * Public for relays built outside this module (bench/io-probe/ffm), which then send the very same load.
     */
    public static void run(String mode, int k, int seconds, RelayFactory factory) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        DatagramChannel[] callers = new DatagramChannel[k];
        DatagramChannel[] callees = new DatagramChannel[k];
        InetSocketAddress[] calleeAddresses = new InetSocketAddress[k];
        InetSocketAddress[] callerAddresses = new InetSocketAddress[k];
        for (int i = 0; i < k; i++) {
            callers[i] = open(lo);
            callees[i] = open(lo);
            callees[i].setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            callerAddresses[i] = (InetSocketAddress) callers[i].getLocalAddress();
            calleeAddresses[i] = (InetSocketAddress) callees[i].getLocalAddress();
        }
        try (Relay relay = factory.open(lo, k, callerAddresses, calleeAddresses)) {
            drive(mode, relay, callers, callees, seconds);
        }
        System.exit(0); // Netty's event loop threads are not daemons
    }

    private static void drive(String mode, Relay relay, DatagramChannel[] callers, DatagramChannel[] callees,
            int seconds) throws Exception {
        int k = callers.length;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
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
                rtp(packet, i, tick);
                callers[i].send(packet, relay.relayIn(i));
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

    /** A G.711-sized RTP packet: PT 8, sequence and timestamp advancing per tick, one SSRC per stream. */
    private static void rtp(ByteBuffer packet, int stream, long tick) {
        packet.clear();
        packet.put(0, (byte) 0x80).put(1, (byte) 8)
                .putShort(2, (short) tick).putInt(4, (int) (tick * 160)).putInt(8, 0x1000 + stream);
    }

    private static DatagramChannel open(InetAddress lo) throws Exception {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(lo, 0));
        channel.configureBlocking(false);
        return channel;
    }

    /** Where the probe sends stream {@code stream}'s packets: the relay's receiving port for it. */
    public static InetSocketAddress in(InetAddress lo, int stream) {
        return new InetSocketAddress(lo, BASE_PORT + 2 * stream);
    }

    /** The relay's sending port for stream {@code stream}. */
    public static InetSocketAddress out(InetAddress lo, int stream) {
        return new InetSocketAddress(lo, BASE_PORT + 2 * stream + 1);
    }

    /**
     * JDK selector, one datagram per ready socket and select, like callrec's relay loop. Both sockets of a stream are
     * registered for reading, as a relay of symmetric RTP must (each party sends from the port it receives on), although
     * under this one-way load only the caller's side receives: a registered socket's wait queue has an entry, and the
     * kernel walks it on every send from that socket, a cost every such relay pays.
     */
    static final class NioRelay extends ProbeRelay {
        private final Selector selector = Selector.open();
        private final DatagramChannel[] outs;
        private final Thread thread;
        private volatile boolean running = true;

        NioRelay(InetAddress lo, int k, InetSocketAddress[] callees, InetSocketAddress[] connectTo, boolean likeCallrec)
                throws Exception {
            this(lo, k, callees, connectTo, likeCallrec, false);
        }

        /** {@code rtcpSockets}: two more idle sockets per stream, registered, as a relay without rtcp-mux has. */
        NioRelay(InetAddress lo, int k, InetSocketAddress[] callees, InetSocketAddress[] connectTo, boolean likeCallrec,
                 boolean rtcpSockets) throws Exception {
            super(lo);
            this.outs = new DatagramChannel[k];
            for (int i = 0; i < k; i++) {
                DatagramChannel in = relaySocket(in(lo, i), likeCallrec);
                outs[i] = relaySocket(out(lo, i), likeCallrec);
                if (connectTo != null) {
                    in.connect(connectTo[i]);
                    outs[i].connect(callees[i]);
                }
                in.register(selector, SelectionKey.OP_READ, i);
                outs[i].register(selector, SelectionKey.OP_READ, -1 - i);
                if (rtcpSockets) {
                    relaySocket(new InetSocketAddress(lo, 0), likeCallrec).register(selector, SelectionKey.OP_READ, -1 - i);
                    relaySocket(new InetSocketAddress(lo, 0), likeCallrec).register(selector, SelectionKey.OP_READ, -1 - i);
                }
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(9000);
            boolean connected = connectTo != null;
            Consumer<SelectionKey> onReady = key -> {
                int i = (Integer) key.attachment();
                DatagramChannel in = (DatagramChannel) key.channel();
                try {
                    buffer.clear();
                    if (i < 0) {
                        in.receive(buffer); // an out socket: nothing arrives there under this load
                        return;
                    }
                    if (connected) {
                        if (in.read(buffer) > 0) {
                            outs[i].write(buffer.flip());
                        }
                    } else if (in.receive(buffer) != null) {
                        outs[i].send(buffer.flip(), callees[i]);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            this.thread = new Thread(() -> {
                try {
                    while (running) {
                        selector.select(onReady);
                    }
                } catch (Exception e) {
                    if (running) {
                        e.printStackTrace();
                    }
                }
            }, "probe-relay");
            thread.setDaemon(true);
            thread.start();
        }

        /** {@code likeCallrec}: an IPv4 socket with 256 KiB buffers, as callrec's relay opens them; else dual-stack. */
        private static DatagramChannel relaySocket(InetSocketAddress local, boolean likeCallrec)
                throws Exception {
            DatagramChannel channel = likeCallrec ? DatagramChannel.open(StandardProtocolFamily.INET)
                    : DatagramChannel.open();
            if (likeCallrec) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, 256 * 1024);
            }
            channel.bind(local).configureBlocking(false);
            return channel;
        }

        @Override
        public long threadId() {
            return thread.getId();
        }

        @Override
        public void close() throws Exception {
            running = false;
            selector.close();
        }
    }

    /** Netty's datagram channels: a pipeline per socket, a DatagramPacket per packet. */
    static final class NettyChannelRelay extends ProbeRelay {
        private final MultiThreadIoEventLoopGroup group;
        private final long threadId;

        NettyChannelRelay(InetAddress lo, int k, InetSocketAddress[] callees, boolean uring) throws Exception {
            super(lo);
            this.group = new MultiThreadIoEventLoopGroup(1,
                    uring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory());
            EventLoop loop = group.next();
            this.threadId = loop.submit(() -> Thread.currentThread().getId()).get();
            Class<? extends io.netty.channel.Channel> type = uring
                    ? IoUringDatagramChannel.class : EpollDatagramChannel.class;
            io.netty.channel.Channel[] outs = new io.netty.channel.Channel[k];
            for (int i = 0; i < k; i++) {
                outs[i] = new Bootstrap().group(loop).channel(type).handler(new ChannelInboundHandlerAdapter())
                        .bind(out(lo, i)).sync().channel();
            }
            for (int i = 0; i < k; i++) {
                io.netty.channel.Channel outChannel = outs[i];
                InetSocketAddress callee = callees[i];
                new Bootstrap().group(loop).channel(type).handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        DatagramPacket packet = (DatagramPacket) msg;
                        outChannel.write(new DatagramPacket(packet.content(), callee), outChannel.voidPromise());
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        outChannel.flush();
                    }
                }).bind(in(lo, i)).sync();
            }
        }

        @Override
        public long threadId() {
            return threadId;
        }

        @Override
        public void close() {
            group.shutdownGracefully();
        }
    }

    /** The io_uring opcodes and flags used below (include/uapi/linux/io_uring.h); Netty keeps its own private. */
    static final byte IORING_OP_SENDMSG = 9;
    static final byte IORING_OP_RECVMSG = 10;
    /** x86-64 layouts: struct msghdr is 56 bytes (name, namelen, iov, iovlen, control, controllen, flags). */
    static final int MSGHDR_BYTES = 56;
    static final int IOVEC_BYTES = 16;
    /** Netty's sockets are dual-stack IPv6: addresses are sockaddr_in6 (28 bytes), IPv4 as ::ffff:a.b.c.d. */
    static final int SOCKADDR_IN6_BYTES = 28;
    static final short AF_INET6 = 10;

    /** A RECVMSG or SENDMSG of the msghdr at {@code msghdr} on {@code fd}; {@code data} comes back in its completion. */
    static IoUringIoOps op(byte opcode, int fd, long msghdr, int data) {
        return new IoUringIoOps(opcode, (byte) 0, (short) 0, fd, 0L, msghdr, 1, 0, (short) data, (short) 0, (short) 0,
                0, 0L);
    }

    static void putSockaddrIn6(ByteBuffer memory, int offset, InetSocketAddress address) {
        memory.putShort(offset, AF_INET6);
        memory.put(offset + 2, (byte) (address.getPort() >> 8)).put(offset + 3, (byte) address.getPort());
        memory.put(offset + 18, (byte) 0xff).put(offset + 19, (byte) 0xff);
        byte[] v4 = address.getAddress().getAddress();
        for (int j = 0; j < 4; j++) {
            memory.put(offset + 20 + j, v4[j]);
        }
    }

    /** Sockets bound through Netty's unix Socket (io_uring needs raw descriptors), one event loop thread. */
    abstract static class UringBase extends ProbeRelay {
        final int[] inFds;
        final int[] outFds;
        final Socket[] sockets;
        final MultiThreadIoEventLoopGroup group;
        final IoEventLoop loop;
        final long threadId;

        UringBase(InetAddress lo, int k) throws Exception {
            super(lo);
            IoUring.ensureAvailability();
            this.inFds = new int[k];
            this.outFds = new int[k];
            this.sockets = new Socket[2 * k];
            for (int i = 0; i < k; i++) {
                Socket in = Socket.newSocketDgram();
                in.bind(in(lo, i));
                Socket out = Socket.newSocketDgram();
                out.bind(out(lo, i));
                sockets[2 * i] = in;
                sockets[2 * i + 1] = out;
                inFds[i] = in.intValue();
                outFds[i] = out.intValue();
            }
            this.group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
            this.loop = (IoEventLoop) group.next();
            this.threadId = loop.submit(() -> Thread.currentThread().getId()).get();
        }

        static long address(ByteBuffer direct) {
            return PlatformDependent.directBufferAddress(direct);
        }

        @Override
        public long threadId() {
            return threadId;
        }

        @Override
        public void close() throws Exception {
            group.shutdownGracefully().sync();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * Per stream one slot of native memory: a 2 KiB buffer, the receive msghdr, iovec and source address, the send
     * msghdr and iovec and the callee's address. RECVMSG into the buffer; on its completion SENDMSG of the same bytes;
     * on that completion the next RECVMSG. All of a loop round's submissions go out in one io_uring_enter.
     */
    static final class UringRelay extends UringBase {
        private static final int BUFFER = 2048;
        private static final int RECV_MSG = BUFFER;
        private static final int RECV_IOV = RECV_MSG + MSGHDR_BYTES;
        private static final int RECV_NAME = RECV_IOV + IOVEC_BYTES;
        private static final int SEND_MSG = RECV_NAME + 32;
        private static final int SEND_IOV = SEND_MSG + MSGHDR_BYTES;
        private static final int SEND_NAME = SEND_IOV + IOVEC_BYTES;
        /** The out socket's own receive (see NioRelay: a relay reads both sockets), which this load never completes. */
        private static final int OUT_MSG = SEND_NAME + 32;
        private static final int OUT_IOV = OUT_MSG + MSGHDR_BYTES;
        private static final int OUT_NAME = OUT_IOV + IOVEC_BYTES;
        private static final int OUT_BUFFER = OUT_NAME + 32;
        private static final int SLOT = OUT_BUFFER + BUFFER;
        private static final int OUT_SOCKET = 0x8000;

        UringRelay(InetAddress lo, int k, InetSocketAddress[] callees) throws Exception {
            super(lo, k);
            ByteBuffer memory = ByteBuffer.allocateDirect(SLOT * k).order(ByteOrder.nativeOrder());
            long base = address(memory);
            for (int i = 0; i < k; i++) {
                int o = i * SLOT;
                long slot = base + o;
                msghdr(memory, o + RECV_MSG, slot + RECV_NAME, slot + RECV_IOV);
                memory.putLong(o + RECV_IOV, slot).putLong(o + RECV_IOV + 8, BUFFER);
                msghdr(memory, o + SEND_MSG, slot + SEND_NAME, slot + SEND_IOV);
                memory.putLong(o + SEND_IOV, slot);
                putSockaddrIn6(memory, o + SEND_NAME, callees[i]);
                msghdr(memory, o + OUT_MSG, slot + OUT_NAME, slot + OUT_IOV);
                memory.putLong(o + OUT_IOV, slot + OUT_BUFFER).putLong(o + OUT_IOV + 8, BUFFER);
            }
            IoUringIoHandle handle = new IoUringIoHandle() {
                @Override
                public void handle(IoRegistration registration, IoEvent event) {
                    IoUringIoEvent completion = (IoUringIoEvent) event;
                    int i = completion.data() & 0xffff;
                    if ((i & OUT_SOCKET) != 0) {
                        receiveOut(registration, base, i & ~OUT_SOCKET);
                    } else if (completion.opcode() == IORING_OP_RECVMSG && completion.res() > 0) {
                        memory.putLong(i * SLOT + SEND_IOV + 8, completion.res());
                        registration.submit(op(IORING_OP_SENDMSG, outFds[i], base + (long) i * SLOT + SEND_MSG, i));
                    } else {
                        receive(registration, base, i);
                    }
                }

                @Override
                public void close() {
                }
            };
            IoRegistration registration = loop.register(handle).get();
            loop.submit(() -> {
                for (int i = 0; i < k; i++) {
                    receive(registration, base, i);
                    receiveOut(registration, base, i);
                }
            }).get();
        }

        private static void msghdr(ByteBuffer memory, int offset, long name, long iov) {
            memory.putLong(offset, name).putInt(offset + 8, SOCKADDR_IN6_BYTES)
                    .putLong(offset + 16, iov).putLong(offset + 24, 1);
        }

        private void receive(IoRegistration registration, long base, int i) {
            registration.submit(op(IORING_OP_RECVMSG, inFds[i], base + (long) i * SLOT + RECV_MSG, i));
        }

        private void receiveOut(IoRegistration registration, long base, int i) {
            registration.submit(op(IORING_OP_RECVMSG, outFds[i], base + (long) i * SLOT + OUT_MSG, i | OUT_SOCKET));
        }
    }

    /** callrec's relay with one thread: caller i is side A of stream i, callee i side B. */
    static final class CallrecRelay implements Relay {
        private final RtpRelay relay;
        private final InetSocketAddress[] inputs;
        private final long threadId;

        CallrecRelay(InetAddress lo, int k, InetSocketAddress[] callers, InetSocketAddress[] callees)
                throws Exception {
            this.relay = RtpRelay.start(new RelayConfig(lo, BASE_PORT, BASE_PORT + 4 * k + 3, 1,
                    Duration.ofSeconds(3), Duration.ZERO));
            this.inputs = new InetSocketAddress[k];
            for (int i = 0; i < k; i++) {
                RelayStream stream = relay.openSession("probe-" + i, (session, idle) -> { }).stream(0, "audio");
                stream.setRemote(Side.A, callers[i], null, false);
                stream.setRemote(Side.B, callees[i], null, false);
                stream.setClockRate(Side.A, 8000);
                inputs[i] = stream.localRtp(Side.A);
            }
            long id = -1;
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().equals("rtp-relay-0")) {
                    id = thread.getId();
                }
            }
            if (id < 0) {
                throw new IllegalStateException("no rtp-relay-0 thread");
            }
            this.threadId = id;
        }

        @Override
        public InetSocketAddress relayIn(int stream) {
            return inputs[stream];
        }

        @Override
        public long threadId() {
            return threadId;
        }

        @Override
        public void close() {
            relay.close();
        }
    }
}
