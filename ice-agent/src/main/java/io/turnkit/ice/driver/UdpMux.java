package io.turnkit.ice.driver;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.turnkit.ice.agent.IceConfig;

/**
 * One UDP port shared by many agents (a media server's single ICE port): every agent started here has one host
 * candidate, the mux's address, and the mux hands each received datagram to its agent.
 *
 * <p>Demultiplexing ({@link MuxRoutes}): a datagram from a remote address the mux has seen reaches that address's
 * agent. From any other address only a STUN Binding request is considered, and it reaches the agent whose local
 * ufrag is the first part of its USERNAME (RFC 8445 §7.2.2); its source address is then learned for that agent.
 * Everything else (data from unknown addresses, STUN with an unknown ufrag, malformed STUN) is dropped and counted
 * ({@link #dropped(MuxDropReason)}), and makes no state.
 *
 * <p>ICE-TCP on the same terms ({@link #openTcpMux}): one TCP port, opened on the mux's event loop, where agents
 * started with {@link CandidateSources#withTcp} get a passive TCP candidate too (RFC 6544 §4.1), so a media server
 * has every session on one UDP port and one TCP port.
 *
 * <p>Threads: the mux lives on one event loop of its driver, and the agents started on it live on that same loop,
 * as does its TCP mux, so its tables and the agents' connections are touched by that loop only. One component per
 * agent (RTP/RTCP-mux, data channels): with two the ufrag would not tell the components apart.
 */
public final class UdpMux implements AutoCloseable {
    /**
     * Every session's checks arrive at this one socket, in bursts when many sessions start at once: a default
     * receive buffer (about 200 KiB on Linux) overflows and the lost checks wait for retransmission (RFC 8489
     * §6.2.1). The kernel caps the request at net.core.rmem_max.
     */
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private final IceDriver driver;
    private final TimerWheel timers;
    private final Channel channel;
    private final InetSocketAddress localAddress;
    private final MuxRoutes<MuxMember> routes = new MuxRoutes<>();
    /** Null until {@link #openTcpMux}; written once, then read by the threads that start agents. */
    private volatile TcpMux tcpMux;

    private UdpMux(IceDriver driver, TimerWheel timers, InetSocketAddress bindAddress) {
        this.driver = driver;
        this.timers = timers;
        this.channel = NettyTransport.bound(new Bootstrap().group(timers.eventLoop())
                .channel(NettyTransport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        demultiplex(packet);
                    }
                })
                .bind(bindAddress), "a UDP mux", bindAddress);
        this.localAddress = (InetSocketAddress) channel.localAddress();
    }

    static UdpMux open(IceDriver driver, TimerWheel timers, InetSocketAddress bindAddress) {
        if (bindAddress.getAddress().isAnyLocalAddress()) {
            // The bound address is every agent's host candidate: a wildcard is no address a peer can check.
            throw new IllegalArgumentException("a UDP mux binds one address, not the wildcard " + bindAddress
                    + " (open one mux per local address)");
        }
        return new UdpMux(driver, timers, bindAddress);
    }

    /** The address bound: every agent of this mux has it as its host candidate. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The event loop of the mux and of its agents. */
    public EventLoop eventLoop() {
        return timers.eventLoop();
    }

    /** The timer wheel of that loop, which the agents on the mux share. */
    TimerWheel timers() {
        return timers;
    }

    /**
     * Listens on {@code bindAddress} for the ICE-TCP connections of this mux's agents (RFC 6544): the agents started
     * from now on with {@link CandidateSources#withTcp} get a passive TCP candidate on it, on its port. It runs on
     * this mux's event loop, so a connection hands its frames to its agent on the agent's own thread. Its address is
     * the host candidate's, usually the UDP mux's own address, and its port is the server's one TCP port (0 picks a
     * free one). Closed with this mux.
     *
     * @throws IllegalArgumentException for the wildcard address
     * @throws IllegalStateException when this mux has a TCP mux already
     * @throws java.io.UncheckedIOException when the port cannot be bound (in use, or not allowed)
     */
    public synchronized TcpMux openTcpMux(InetSocketAddress bindAddress) {
        if (tcpMux != null) {
            throw new IllegalStateException("the UDP mux " + localAddress + " has a TCP mux already, on "
                    + tcpMux.localAddress());
        }
        tcpMux = TcpMux.open(eventLoop(), bindAddress);
        return tcpMux;
    }

    /** The TCP mux of this mux's agents' passive ICE-TCP candidates ({@link #openTcpMux}), or null when none. */
    public TcpMux tcpMux() {
        return tcpMux;
    }

    /**
     * Starts an agent on this mux: its host candidate is the mux's address; with {@link CandidateSources#withTcp} a
     * passive ICE-TCP candidate too, on the {@link #openTcpMux TCP mux}; the TURN relays of {@code sources} are
     * gathered as usual, on sockets of their own (its host addresses are not used).
     *
     * @throws IllegalArgumentException when the config has more than one component; when {@code sources} has a STUN
     *     server: the answers to many agents' Binding requests would come to the one port from one address, which
     *     no ufrag tells apart (a server on a public address needs no server-reflexive candidate); when it asks for
     *     TCP candidates and no TCP mux is open, or for simultaneous-open ones, whose ports would be the agent's own
     * @throws UnknownHostException when a TURN server's name does not resolve
     */
    public DrivenAgent start(IceConfig config, CandidateSources sources, IceListener listener)
            throws UnknownHostException {
        if (config.components() != 1) {
            throw new IllegalArgumentException("an agent on a UDP mux has one component, not " + config.components()
                    + " (use RTP/RTCP-mux)");
        }
        if (!sources.stunServers().isEmpty()) {
            throw new IllegalArgumentException("an agent on a UDP mux asks no STUN server, but was given "
                    + sources.stunServers());
        }
        if (sources.tcp() && tcpMux == null) {
            throw new IllegalArgumentException("an agent on the UDP mux " + localAddress + " gets its TCP candidate on"
                    + " the mux's TCP port, which is not open (UdpMux.openTcpMux)");
        }
        if (sources.tcp() && sources.simultaneousOpen()) {
            throw new IllegalArgumentException("an agent on a UDP mux has no simultaneous-open TCP candidate: its"
                    + " port would be the agent's own, not the mux's");
        }
        return driver.start(config, sources, listener, this);
    }

    // ---------------------------------------------------------------- on the event loop

    /**
     * Routes checks for {@code ufrag} to {@code agent}, whose socket on the mux is {@code socketId}; null when another
     * agent on the mux has that ufrag.
     */
    MuxMember join(DrivenAgent agent, int socketId, String ufrag) {
        return MuxMember.join(routes, agent, socketId, ufrag);
    }

    private void demultiplex(DatagramPacket packet) {
        MuxRoutes<MuxMember>.Route route = routes.route(packet.sender(), packet.content());
        if (route != null) {
            MuxMember member = route.target();
            member.agent.receive(member.socketId(), packet.sender(), packet.content());
        }
    }

    /** What was dropped for {@code reason}. Read on the event loop. */
    public long dropped(MuxDropReason reason) {
        return routes.dropped(reason);
    }

    /** The ufrags routed (an agent in an ICE restart has two). Read on the event loop. */
    public int ufragCount() {
        return routes.ufragCount();
    }

    /** The remote addresses learned. Read on the event loop. */
    public int addressCount() {
        return routes.addressCount();
    }

    void write(DatagramPacket packet) {
        channel.write(packet);
    }

    void flush() {
        channel.flush();
    }

    /** Closes the socket, and the TCP mux's; the agents on them stop receiving (close them first). */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        TcpMux tcp = tcpMux;
        if (tcp != null) {
            tcp.close();
        }
    }
}
