package io.turnkit.perf.load;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.UdpSocket;

/**
 * The load generator's sockets and threads: client sockets connected to the server, UDP echo peers,
 * and the event loops that drive them (native epoll with recvmmsg/sendmmsg on Linux, NIO elsewhere).
 * Client sockets are spread over the loops in turn; each loop keeps its own {@link LoopMeter}, so the
 * packet path shares nothing between threads.
 */
final class LoadRig implements AutoCloseable {
    /** The largest datagram a socket reads: above any probe this generator sends (≤ 1,400 bytes of payload). */
    static final int MAX_DATAGRAM = 2048;
    private static final int DATAGRAMS_PER_READ = 16;
    private static final int CLIENT_SOCKET_BUFFER = 1 << 20;
    private static final int PEER_SOCKET_BUFFER = 4 << 20;
    /** Addresses 127.B.x.1 to 127.B.x.254 of a /16 of the loopback block: 65,024 of them. */
    static final int LOOPBACK_ADDRESSES = 256 * 254;
    /** The /16 of 127.0.0.0/8 whose addresses runs give their client sockets (churn's cycles take 127.2). */
    private static final int RUN_BLOCK = 3;
    /** How long setting up or releasing allocations may take in all: a bound, whatever the server does. */
    private static final long PHASE_LIMIT_SECONDS = 120;
    /** Closed loop: a socket whose probes have all gone unanswered this long starts afresh. */
    private static final long PROBE_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long TICK_MILLIS = 1;
    private static final long EXPIRY_CHECK_MILLIS = 100;

    private final InetSocketAddress server;
    private final InetAddress loopback;
    /** Where this run's client sockets are: see {@link #clientAddressOfRun}. */
    private final InetAddress clientAddress;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final boolean epoll;
    /** Whether probes may leave in UDP GSO sends (epoll on a kernel with UDP_SEGMENT); see {@link ProbeRun}. */
    private final boolean segmentation;
    private final ProgressBar progress;
    /** One meter per loop, made at start and never changed: any thread may look one up. */
    private final Map<EventLoop, LoopMeter> meters;
    private final Queue<ScheduledFuture<?>> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextIndex = new AtomicInteger();

    /** The sockets that set up, how many did not, and the first reason why. */
    record Outcome(List<ClientSocket> succeeded, int failed, String firstFailure, double seconds) {
    }

    private LoadRig(InetSocketAddress server, int threads, ProgressBar progress) {
        this.server = server;
        // The server is on a loopback address; the generator's sockets and peers use the same one.
        this.loopback = server.getAddress();
        this.clientAddress = clientAddressOfRun(loopback, ThreadLocalRandom.current().nextInt(LOOPBACK_ADDRESSES));
        this.progress = progress;
        this.epoll = Epoll.isAvailable();
        this.segmentation = epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-loop"), io);
        Map<EventLoop, LoopMeter> perLoop = new LinkedHashMap<>();
        for (EventExecutor loop : group) {
            perLoop.put((EventLoop) loop, new LoopMeter());
        }
        this.meters = Collections.unmodifiableMap(perLoop);
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, CLIENT_SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, CLIENT_SOCKET_BUFFER);
        if (epoll) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * DATAGRAMS_PER_READ));
        } else {
            bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
        }
    }

    static LoadRig start(InetSocketAddress server, int threads, ProgressBar progress) {
        return new LoadRig(server, threads, progress);
    }

    /** "epoll" or "nio". */
    String transport() {
        return epoll ? "epoll" : "nio";
    }

    /**
     * The address of a run's client sockets, the {@code n}th of 127.3.0.0/16 when the server is on IPv4's loopback
     * (Linux answers all of 127.0.0.0/8 locally), else the server's own. A server keeps an allocation whose client
     * left without deleting it (turnutils_uclient does that) until its lifetime ends, and coturn keeps a deleted
     * allocation's 5-tuple a while too; a new Allocate on such a 5-tuple gets 437 (Allocation Mismatch, RFC 8656
     * §7.2). Client sockets on 127.0.0.1 with ports from the kernel's ephemeral range met such 5-tuples a few
     * times in every run of compare.sh; a run's own address, drawn at random, makes that unlikely.
     */
    static InetAddress clientAddressOfRun(InetAddress server, int n) {
        if (!(server instanceof Inet4Address) || !server.isLoopbackAddress()) {
            return server;
        }
        return loopbackAddress(RUN_BLOCK, n);
    }

    /** The {@code n}th address (modulo {@link #LOOPBACK_ADDRESSES}) of 127.{@code block}.0.0/16, never .0 or .255. */
    static InetAddress loopbackAddress(int block, int n) {
        int i = Math.floorMod(n, LOOPBACK_ADDRESSES);
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) block, (byte) (i / 254), (byte) (i % 254 + 1)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always accepted", e);
        }
    }

    /** Opens {@code count} client sockets on the run's client address, connected to the server, over the loops. */
    List<ClientSocket> openClients(int count, Credentials credentials) {
        List<ClientSocket> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sockets.add(openClient(group.next(), credentials, clientAddress).join());
            progress.show("sockets", (double) (i + 1) / count);
        }
        return sockets;
    }

    /** Opens one client socket on {@code loop}, bound to {@code local}; the future completes on that loop. */
    CompletableFuture<ClientSocket> openClient(EventLoop loop, Credentials credentials, InetAddress local) {
        ClientSocket socket = new ClientSocket(nextIndex.getAndIncrement(), meters.get(loop));
        CompletableFuture<ClientSocket> opened = new CompletableFuture<>();
        bootstrap.clone(loop).handler(socket).connect(server, new InetSocketAddress(local, 0))
                .addListener((ChannelFuture connected) -> {
                    if (connected.isSuccess()) {
                        socket.attach(connected.channel(), credentials);
                        opened.complete(socket);
                    } else {
                        opened.completeExceptionally(connected.cause());
                    }
                });
        return opened;
    }

    /** The server's loopback address, where the generator's own sockets are too. */
    InetAddress loopback() {
        return loopback;
    }

    /** The meter of {@code loop}; touched only on that loop. */
    LoopMeter meter(EventLoop loop) {
        return meters.get(loop);
    }

    /** The loops, for work that is not tied to one socket. */
    Iterable<EventLoop> eventLoops() {
        return meters.keySet();
    }

    /** Starts {@code count} UDP echo peers on the loopback address and returns their addresses. */
    List<InetSocketAddress> openEchoPeers(int count) {
        List<InetSocketAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            UdpSocket peer = UdpSocket.bind(group.next(), new InetSocketAddress(loopback, 0), PEER_SOCKET_BUFFER,
                    new EchoPeer(segmentation), new ServerCounters()).syncUninterruptibly().getNow();
            addresses.add(peer.localAddress());
        }
        return addresses;
    }

    /**
     * Runs {@code action} (a chain of control requests) on every socket, at most {@code concurrency} at
     * once, and waits for them all, for at most {@link #PHASE_LIMIT_SECONDS} in all.
     */
    Outcome forEach(String phase, List<ClientSocket> sockets, int concurrency,
            Function<ClientSocket, CompletableFuture<?>> action) throws InterruptedException {
        long began = System.nanoTime();
        long deadline = began + TimeUnit.SECONDS.toNanos(PHASE_LIMIT_SECONDS);
        Semaphore permits = new Semaphore(concurrency);
        boolean[] done = new boolean[sockets.size()];
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        for (int i = 0; i < sockets.size(); i++) {
            if (!permits.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                break;
            }
            int slot = i;
            action.apply(sockets.get(i)).whenComplete((result, error) -> {
                if (error == null) {
                    synchronized (done) {
                        done[slot] = true;
                    }
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, reason(error));
                }
                permits.release();
            });
            progress.show(phase, (double) (i + 1) / sockets.size());
        }
        boolean finished = permits.tryAcquire(concurrency, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        double seconds = (System.nanoTime() - began) / 1e9;
        progress.clear();
        List<ClientSocket> succeeded = new ArrayList<>();
        synchronized (done) {
            for (int i = 0; i < done.length; i++) {
                if (done[i]) {
                    succeeded.add(sockets.get(i));
                }
            }
        }
        String why = firstFailure.get() != null ? firstFailure.get()
                : finished ? null : phase + " took over " + PHASE_LIMIT_SECONDS + " s";
        return new Outcome(succeeded, sockets.size() - succeeded.size(), why, seconds);
    }

    /** The message of a failed request, unwrapped from the future's CompletionException. */
    static String reason(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /**
     * Starts probes on every socket, each loop driving its own sockets: a closed loop of the window's
     * probes per socket when the rate is 0, else an open loop at that rate in all.
     */
    void startProbes(List<ClientSocket> sockets, Function<ClientSocket, ProbeFormat> formats,
            MeasurementWindow measurement, ProbeOptions probes) {
        double perSecond = probes.rate;
        Map<EventLoop, List<ClientSocket>> byLoop = new LinkedHashMap<>();
        for (ClientSocket socket : sockets) {
            byLoop.computeIfAbsent(socket.eventLoop(), l -> new ArrayList<>()).add(socket);
        }
        byLoop.forEach((loop, own) -> loop.execute(() -> {
            List<ProbeFlow> flows = new ArrayList<>(own.size());
            for (ClientSocket socket : own) {
                ProbeFlow flow = new ProbeFlow(socket.channel(), formats.apply(socket), segmentation, measurement,
                        socket.meter(), perSecond > 0 ? 0 : probes.window);
                socket.startProbes(flow);
                flows.add(flow);
            }
            long now = System.nanoTime();
            if (perSecond > 0) {
                RatePacer pacer = new RatePacer(perSecond * own.size() / sockets.size(), now);
                tasks.add(loop.scheduleAtFixedRate(new Pace(flows, pacer), 0, TICK_MILLIS, TimeUnit.MILLISECONDS));
                return;
            }
            for (ProbeFlow flow : flows) {
                flow.fill(now);
                flow.flush();
            }
            tasks.add(loop.scheduleAtFixedRate(() -> {
                long at = System.nanoTime();
                for (ProbeFlow flow : flows) {
                    flow.expire(at, PROBE_TIMEOUT_NANOS);
                    flow.flush();
                }
            }, EXPIRY_CHECK_MILLIS, EXPIRY_CHECK_MILLIS, TimeUnit.MILLISECONDS));
        }));
    }

    /** What all loops measured, each read on its own thread; stops the pacing and expiry timers. */
    LoopMeter collect() throws InterruptedException, ExecutionException, TimeoutException {
        stopTimers();
        LoopMeter total = new LoopMeter();
        for (Map.Entry<EventLoop, LoopMeter> entry : meters.entrySet()) {
            total.add(entry.getKey().submit(entry.getValue()::copy).get(5, TimeUnit.SECONDS));
        }
        return total;
    }

    /** Deletes the allocations (Refresh with lifetime 0), so the server is left as it was found. */
    Outcome release(List<ClientSocket> sockets, int concurrency) throws InterruptedException {
        return forEach("releasing", sockets, concurrency, socket -> socket.control().refresh(0));
    }

    private void stopTimers() {
        for (ScheduledFuture<?> task; (task = tasks.poll()) != null; ) {
            task.cancel(false);
        }
    }

    @Override
    public void close() {
        stopTimers();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One tick of an open loop: the packets that came due, one socket after another. */
    private static final class Pace implements Runnable {
        private final List<ProbeFlow> flows;
        private final RatePacer pacer;
        private int next;

        Pace(List<ProbeFlow> flows, RatePacer pacer) {
            this.flows = flows;
            this.pacer = pacer;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            for (long due = pacer.due(now); due > 0; due--) {
                flows.get(next).send(now);
                next = (next + 1) % flows.size();
            }
            for (ProbeFlow flow : flows) {
                flow.flush();
            }
        }
    }
}
