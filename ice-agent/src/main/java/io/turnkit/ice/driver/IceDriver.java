package io.turnkit.ice.driver;

import io.netty.channel.EventLoopGroup;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.mdns.MulticastDns;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

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

    private IceDriver(EventLoopGroup group) {
        this.group = group;
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
        Objects.requireNonNull(listener, "listener");
        if (config.dataStreams() != 1) {
            throw new IllegalArgumentException("the driver runs agents of one data stream, not "
                    + config.dataStreams() + " (start one agent per stream)");
        }
        List<InetAddress> hosts = sources.hostAddresses().isEmpty() && !sources.relayOnly()
                ? HostAddresses.enumerate() : sources.hostAddresses();
        List<InetSocketAddress> relayServers = new ArrayList<>();
        for (RelayServer relay : sources.relays()) {
            relayServers.add(relay.uri().resolve());
        }
        MdnsChannel mdns = sources.mdns()
                ? new MdnsChannel(new MulticastDns(config.random(), MulticastDns.DEFAULT_TIMEOUT, config.allocator()))
                : null;
        DrivenAgent agent = new DrivenAgent(group.next(), IceAgent.create(config), listener, mdns);
        agent.eventLoop().execute(() -> agent.gather(sources, hosts, relayServers, config.components()));
        return agent;
    }

    /** Stops the event loops; agents still open are dropped with their sockets. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
