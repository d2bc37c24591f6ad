package io.turnkit.ice.driver;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;

/**
 * One TCP port shared by many agents for their passive ICE-TCP candidates (RFC 6544 §4.1): the TCP one-port mux. A
 * connection accepted here belongs to no agent until its first RFC 4571 frame, which must be a Binding request whose
 * USERNAME begins with an agent's local ufrag (RFC 8445 §7.2.2, {@link MuxRoutes}); the connection then is that
 * agent's, for checks and data both ways. Anything else first, a ufrag no agent has, or silence for
 * {@link #FIRST_CHECK_TIMEOUT} closes the connection and is counted ({@link #dropped}); at most
 * {@link #MAX_PENDING} connections wait for their first check at a time, so strangers cannot hold more, and an
 * agent keeps at most {@link #MAX_CONNECTIONS_PER_AGENT}.
 *
 * <p>Threads: the mux and the agents with a candidate on it live on one event loop, so its table and the agents'
 * connections are touched by that loop only. One component per agent: the ufrag does not tell components apart.
 */
public final class TcpMux implements AutoCloseable {
    /** Accepted connections that have not sent their first check yet, at most. */
    static final int MAX_PENDING = 64;
    /** How long an accepted connection may take to send its first check. */
    static final Duration FIRST_CHECK_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Connections one agent's passive candidate keeps at most: the peer's active candidates (one per interface) and
     * a few more, but not what a peer that knows the ufrag could open without end.
     */
    static final int MAX_CONNECTIONS_PER_AGENT = 16;
    private static final int BACKLOG = 128;

    private final EventLoop loop;
    private final Channel server;
    private final InetSocketAddress localAddress;
    private final MuxRoutes<MuxMember> routes = new MuxRoutes<>();
    private int pending;
    private long firstCheckTimeoutNanos = FIRST_CHECK_TIMEOUT.toNanos();

    private TcpMux(EventLoop loop, InetSocketAddress bindAddress) {
        this.loop = loop;
        server = NettyTransport.bound(new ServerBootstrap().group(loop, loop)
                .channel(NettyTransport.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                // A known port is bound again at once after a restart, while the last run's connections linger
                // in TIME_WAIT; another listener on the port still makes the bind fail.
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new IceTcpConnection(TcpMux.this));
                    }
                })
                .bind(bindAddress), "a TCP mux", bindAddress);
        localAddress = (InetSocketAddress) server.localAddress();
    }

    static TcpMux open(EventLoop loop, InetSocketAddress bindAddress) {
        if (bindAddress.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("a TCP mux binds one address, not the wildcard " + bindAddress);
        }
        return new TcpMux(loop, bindAddress);
    }

    /** The listening address: every agent's passive TCP candidate on it. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The event loop of the mux and of its agents. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** What was refused for {@code reason}. Read on the event loop. */
    public long dropped(MuxDropReason reason) {
        return routes.dropped(reason);
    }

    /** Connections accepted that have not sent their first check. Read on the event loop. */
    public int pending() {
        return pending;
    }

    // ---------------------------------------------------------------- on the event loop

    /** Another time to wait for a connection's first check, for the connections accepted from now on. */
    void firstCheckTimeout(Duration timeout) {
        firstCheckTimeoutNanos = timeout.toNanos();
    }

    /**
     * Routes connections whose first check names {@code ufrag} to {@code agent}'s passive socket {@code socketId};
     * null when another agent on the mux has that ufrag.
     */
    MuxMember join(DrivenAgent agent, int socketId, String ufrag) {
        return MuxMember.join(routes, agent, socketId, ufrag);
    }

    void accepted(IceTcpConnection connection) {
        if (pending >= MAX_PENDING) {
            routes.count(MuxDropReason.PENDING_LIMIT);
            connection.close();
            return;
        }
        pending++;
        connection.firstCheckTimeout = loop.schedule(() -> {
            routes.count(MuxDropReason.NO_CHECK_IN_TIME);
            connection.close();
        }, firstCheckTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** The first frame of an accepted connection: true when an agent took the connection. */
    boolean route(IceTcpConnection connection, ByteBuf frame) {
        MuxRoutes<MuxMember>.Route route = routes.byUsername(frame);
        if (route == null) {
            return false;
        }
        settle(connection);
        MuxMember member = route.target();
        if (member.agent.tcpConnections(member.socketId()) >= MAX_CONNECTIONS_PER_AGENT) {
            routes.count(MuxDropReason.CONNECTION_LIMIT);
            return false;
        }
        connection.routed(member.agent, member.socketId());
        member.agent.tcpAccepted(connection);
        connection.frame(frame);
        return true;
    }

    /** An accepted connection closed before it was routed. */
    void closedUnrouted(IceTcpConnection connection) {
        settle(connection);
    }

    private void settle(IceTcpConnection connection) {
        if (connection.firstCheckTimeout != null) {
            connection.firstCheckTimeout.cancel(false);
            connection.firstCheckTimeout = null;
            pending--;
        }
    }

    /** Stops listening; connections already routed stay with their agents (close those first). */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
