package io.turnkit.ice.driver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.mdns.MulticastDns;

/**
 * Runs ICE agents on real sockets: a group of Netty event loops (native epoll on Linux, NIO elsewhere), many agents
 * per loop, each agent on one loop for its whole life ({@link DrivenAgent}).
 *
 * <pre>{@code
 * try (IceDriver driver = IceDriver.create(1)) {
 *     DrivenAgent agent = driver.start(config, CandidateSources.HOST, event -> signal(event));
 *     ...
 * }
 * }</pre>
 */
public final class IceDriver implements AutoCloseable {
    private final EventLoopGroup group;
    /** One timer wheel per loop, for all of its agents; read-only once made. */
    private final Map<EventExecutor, TimerWheel> timers = new IdentityHashMap<>();
    /**
     * ICE-TCP: one {@link TcpMux} per host address, made when an agent first needs it, all on one loop (the first
     * one's), where every agent with TCP candidates lives too. Guarded by itself.
     */
    private final Map<InetAddress, TcpMux> tcpMuxes = new HashMap<>();
    private TimerWheel tcpLoop;

    private IceDriver(EventLoopGroup group) {
        this.group = group;
        for (EventExecutor loop : group) {
            timers.put(loop, new TimerWheel((EventLoop) loop));
        }
    }

    /** The timer wheel of the next event loop in turn. */
    private TimerWheel nextLoop() {
        return timers.get(group.next());
    }

    /** A driver with {@code threads} event loops of its own. */
    public static IceDriver create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("an ICE driver needs at least one thread: " + threads);
        }
        return new IceDriver(NettyTransport.newEventLoopGroup(threads));
    }

    /** Whether the loops run on native epoll rather than NIO. */
    public static boolean isEpoll() {
        return NettyTransport.EPOLL;
    }

    /**
     * Creates an agent with {@code config} on the next event loop and starts gathering from {@code sources}: host
     * sockets, STUN servers, TURN allocations, for each of the config's components. Local candidates come to
     * {@code listener} as they are found (trickle, RFC 8838), then
     * {@link io.turnkit.ice.agent.IceEvent.GatheringComplete}. Names of TURN servers are looked up here, on the
     * caller's thread.
     *
     * @throws UnknownHostException when a TURN server's name does not resolve
     */
    public DrivenAgent start(IceConfig config, CandidateSources sources, IceListener listener)
            throws UnknownHostException {
        return start(config, sources, listener, null);
    }

    /**
     * Binds a UDP port that many agents share ({@link UdpMux}), on the next event loop: the agents started on it
     * live on that loop. Port 0 picks a free one. Its TCP port, for ICE-TCP, is opened on it
     * ({@link UdpMux#openTcpMux}).
     *
     * @throws java.io.UncheckedIOException when the port cannot be bound (in use, or not allowed)
     */
    public UdpMux openUdpMux(InetSocketAddress bindAddress) {
        return UdpMux.open(this, nextLoop(), bindAddress);
    }

    /** As {@link #start(IceConfig, CandidateSources, IceListener)}; on {@code mux}'s loop and port when not null. */
    DrivenAgent start(IceConfig config, CandidateSources sources, IceListener listener, UdpMux mux)
            throws UnknownHostException {
        Objects.requireNonNull(listener, "listener");
        if (config.dataStreams() != 1) {
            throw new IllegalArgumentException("the driver runs agents of one data stream, not "
                    + config.dataStreams() + " (start one agent per stream)");
        }
        // On a mux, the host address is the mux's (the agent binds no socket on it; mDNS joins its interface).
        List<InetAddress> hosts = mux != null ? List.of(mux.localAddress().getAddress())
                : sources.hostAddresses().isEmpty() && !sources.relayOnly()
                ? HostAddresses.enumerate() : sources.hostAddresses();
        List<InetSocketAddress> relayServers = new ArrayList<>();
        for (RelayServer relay : sources.relays()) {
            relayServers.add(relay.uri().resolve());
        }
        MdnsChannel mdns = sources.mdns()
                ? new MdnsChannel(new MulticastDns(config.random(), MulticastDns.DEFAULT_TIMEOUT, config.allocator()))
                : null;
        List<TcpMux> tcp = sources.tcp() ? tcpMuxes(config, mux, hosts) : List.of();
        TimerWheel loop = mux != null ? mux.timers() : !tcp.isEmpty() ? timers.get(tcp.get(0).eventLoop())
                : nextLoop();
        DrivenAgent agent = new DrivenAgent(loop, IceAgent.create(config), listener, mux, tcp, mdns);
        agent.eventLoop().execute(() -> agent.gather(sources, hosts, relayServers, config.components()));
        return agent;
    }

    /** The TCP mux of the passive ICE-TCP candidates on {@code address} (for its counters), or null when none. */
    public TcpMux tcpMux(InetAddress address) {
        synchronized (tcpMuxes) {
            return tcpMuxes.get(address);
        }
    }

    /**
     * The TCP muxes of {@code hosts}, opened on the driver's TCP loop when not yet open; on a UDP mux, its own TCP
     * mux, on its loop.
     */
    private List<TcpMux> tcpMuxes(IceConfig config, UdpMux mux, List<InetAddress> hosts) {
        if (mux != null) {
            return List.of(mux.tcpMux()); // UdpMux.start checked that it is open
        }
        if (config.components() != 1) {
            throw new IllegalArgumentException("ICE-TCP candidates need an agent of one component");
        }
        List<TcpMux> list = new ArrayList<>();
        synchronized (tcpMuxes) {
            if (tcpLoop == null) {
                tcpLoop = nextLoop();
            }
            for (InetAddress host : hosts) {
                list.add(tcpMuxes.computeIfAbsent(host,
                        h -> TcpMux.open(tcpLoop.eventLoop(), new InetSocketAddress(h, 0))));
            }
        }
        return list;
    }

    /** Stops the event loops; agents still open are dropped with their sockets. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
