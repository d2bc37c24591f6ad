package io.turnkit.ice.driver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.LocalSocket;
import io.turnkit.ice.agent.TcpType;
import io.turnkit.ice.agent.Transmit;
import io.turnkit.ice.sdp.IceDescription;
import io.turnkit.ice.turn.TurnEvent;
import io.turnkit.stun.StunMethod;

/**
 * An {@link IceAgent} running on one Netty event loop: its host sockets (one UDP channel per host address), its
 * TURN allocations ({@link TurnRelay}), and its timer, all on that loop, so the agent is never touched by two
 * threads and needs no lock. Made by {@link IceDriver#start}.
 *
 * <p>The public methods may be called from any thread: they hand their work to the event loop. The listener is
 * called on the event loop. {@link #execute} runs code on the loop with the agent itself, for what the methods here
 * do not cover (restart, reading counters).
 *
 * <p>Each component of the agent's data stream ({@link io.turnkit.ice.agent.IceConfig#components()}: 1 with
 * RTP/RTCP-mux and for data channels, 2 for RTP and RTCP) has sockets of its own (RFC 8445 §5.1.1.1: a host
 * candidate per component and interface, a relayed one per component and TURN server), and its own selected pair.
 */
public final class DrivenAgent {
    /** Bounds the rounds of one {@link #pump()}: each round only runs what the one before produced. */
    private static final int MAX_PUMP_ROUNDS = 64;

    private final EventLoop loop;
    private final IceAgent agent;
    private final IceListener listener;
    private final Map<Integer, Channel> hostSockets = new HashMap<>();
    private final List<TurnRelay> relays = new ArrayList<>();
    /** Null without mDNS candidates ({@link CandidateSources#mdns()}). */
    private final MdnsChannel mdns;
    /** The shared UDP port this agent's host candidate is on, if any (then it has no host socket of its own). */
    private final UdpMux mux;
    private MuxMember muxMember;
    /**
     * The TCP muxes of this agent's passive ICE-TCP candidates, one per host address, or on a UDP mux that mux's one
     * (none without ICE-TCP).
     */
    private final List<TcpMux> tcpMuxes;
    private final List<MuxMember> tcpMembers = new ArrayList<>();
    /** ICE-TCP (RFC 6544): per TCP socket id, its connections by remote address. */
    private final Map<Integer, Map<InetSocketAddress, IceTcpConnection>> tcpConnections = new HashMap<>();
    /**
     * The TCP sockets that open connections: the address each connects from, on any port for an active one, on its
     * own port for a simultaneous-open one.
     */
    private final Map<Integer, InetSocketAddress> connectingTcpSockets = new HashMap<>();
    /** The listening channels of the simultaneous-open TCP sockets (RFC 6544 §7.2: they accept connections too). */
    private final List<Channel> simultaneousOpenListeners = new ArrayList<>();
    private int nextSocketId;
    private int hostSocketsPending;
    private boolean localSocketsEnded;
    /** The loop's timer wheel, and this agent's one timeout on it (re-armed at the earliest deadline). */
    private final TimerWheel timers;
    private final TimerWheel.Timeout timeout = new TimerWheel.Timeout() {
        @Override
        protected void expire(long nowNanos) {
            timeout(nowNanos);
        }
    };
    private boolean closed;

    DrivenAgent(TimerWheel timers, IceAgent agent, IceListener listener, UdpMux mux, List<TcpMux> tcpMuxes,
            MdnsChannel mdns) {
        this.timers = timers;
        this.tcpMuxes = tcpMuxes;
        this.loop = timers.eventLoop();
        this.mux = mux;
        this.agent = agent;
        this.listener = listener;
        this.mdns = mdns;
    }

    /** The event loop the agent lives on. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** Runs {@code action} with the agent on its event loop; the agent's output is handled afterwards. */
    public void execute(Consumer<IceAgent> action) {
        loop.execute(() -> {
            if (!closed) {
                action.accept(agent);
                pump();
            }
        });
    }

    /** Applies what the peer signalled (credentials, candidates, end-of-candidates), trickled or all at once. */
    public void addRemoteDescription(IceDescription description) {
        execute(a -> {
            if (mdns != null) {
                mdns.candidates.apply(description, a, System.nanoTime());
            } else {
                description.applyTo(a, System.nanoTime());
            }
        });
    }

    /**
     * Sends {@code data} as one datagram on the selected pair of component {@code componentId}. Dropped when the
     * component has no selected pair or consent is lost (RFC 7675 §5.1), as UDP would drop it.
     */
    public void send(int componentId, byte[] data) {
        execute(a -> {
            ByteBuf buf = Unpooled.wrappedBuffer(data.clone());
            if (!a.send(componentId, buf, System.nanoTime())) {
                buf.release();
            }
        });
    }

    /** Closes the agent, deletes its TURN allocations and closes its sockets; the future completes when done. */
    public Future<Void> close() {
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            if (!closed) {
                closed = true;
                agent.close();
                timers.cancel(timeout);
                relays.forEach(TurnRelay::close);
                hostSockets.values().forEach(Channel::close);
                if (muxMember != null) {
                    muxMember.leave();
                }
                tcpMembers.forEach(MuxMember::leave);
                simultaneousOpenListeners.forEach(Channel::close);
                tcpConnections.values().forEach(c -> List.copyOf(c.values()).forEach(IceTcpConnection::close));
                if (mdns != null) {
                    mdns.close();
                }
                for (IceEvent e = agent.pollEvent(); e != null; e = agent.pollEvent()) {
                    listener.onEvent(e);
                }
            }
            done.setSuccess(null);
        });
        return done;
    }

    // ---------------------------------------------------------------- on the event loop

    /**
     * Binds the host sockets and opens the relays, for each component; STUN servers are asked from each host socket
     * once bound.
     */
    void gather(CandidateSources sources, List<InetAddress> hostAddresses, List<InetSocketAddress> relayServers,
            int components) {
        long now = System.nanoTime();
        for (InetSocketAddress stun : sources.stunServers()) {
            agent.addStunServer(stun, now);
        }
        if (mux != null) {
            String ufrag = agent.localCredentials().ufrag();
            muxMember = mux.join(this, nextSocketId++, ufrag);
            if (muxMember != null) {
                agent.addLocalSocket(LocalSocket.host(muxMember.socketId(), mux.localAddress(), 1), now);
            } else {
                listener.onWarning(sameUfrag(ufrag) + ": this agent has no host candidate");
            }
        }
        for (TcpMux tcp : tcpMuxes) {
            gatherTcp(tcp, now);
            if (sources.simultaneousOpen()) {
                bindSimultaneousOpen(tcp.localAddress().getAddress());
            }
        }
        if (mdns != null) {
            mdns.open(loop, hostAddresses, packet -> {
                if (!closed) {
                    mdns.mdns.handleDatagram(packet.sender(), packet.content(), System.nanoTime());
                    pump();
                }
            }, problem -> {
                if (problem != null) {
                    listener.onWarning(problem);
                }
            });
        }
        for (int component = 1; component <= components; component++) {
            if (!sources.relayOnly() && mux == null) {
                hostSocketsPending += hostAddresses.size();
                for (InetAddress address : hostAddresses) {
                    bindHostSocket(address, component);
                }
            }
            for (int i = 0; i < sources.relays().size(); i++) {
                TurnRelay relay = new TurnRelay(nextSocketId++, component, this, sources.relays().get(i),
                        relayServers.get(i));
                relays.add(relay);
                relay.open(loop);
            }
        }
        pump();
    }

    private void bindHostSocket(InetAddress address, int component) {
        int id = nextSocketId++;
        ChannelFuture bound = new Bootstrap().group(loop).channel(NettyTransport.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        receive(id, packet.sender(), packet.content());
                    }
                })
                .bind(new InetSocketAddress(address, 0));
        onBound(bound, "a host socket", address, channel -> {
            hostSockets.put(id, channel);
            agent.addLocalSocket(LocalSocket.host(id, (InetSocketAddress) channel.localAddress(), component),
                    System.nanoTime());
        });
    }

    /**
     * ICE-TCP host candidates on {@code tcp}'s address (RFC 6544 §4.1): a passive one on the mux's shared port, and,
     * off a UDP mux, an active one, which connects from that address on an ephemeral port to each passive candidate
     * it checks. An agent on a UDP mux has every candidate on the mux's two ports, so no active one: the clients of
     * a server on a mux (browsers) offer active candidates, which connect to its passive one.
     */
    private void gatherTcp(TcpMux tcp, long now) {
        int passive = nextSocketId++;
        String ufrag = agent.localCredentials().ufrag();
        MuxMember member = tcp.join(this, passive, ufrag);
        if (member != null) {
            tcpMembers.add(member);
            tcpConnections.put(passive, new HashMap<>());
            agent.addLocalSocket(LocalSocket.tcp(passive, tcp.localAddress(), 1, TcpType.PASSIVE), now);
        } else {
            listener.onWarning("another agent on the TCP mux " + tcp.localAddress() + " has the ufrag " + ufrag
                    + ": this agent has no passive TCP candidate");
        }
        if (mux != null) {
            return;
        }
        int active = nextSocketId++;
        tcpConnections.put(active, new HashMap<>());
        connectingTcpSockets.put(active, new InetSocketAddress(tcp.localAddress().getAddress(), 0));
        agent.addLocalSocket(LocalSocket.tcp(active, tcp.localAddress(), 1, TcpType.ACTIVE), now);
    }

    /**
     * A simultaneous-open ICE-TCP candidate on {@code address} (RFC 6544 §4.1): a port of the agent's own, which
     * listens (§7.2: the peer's connection is accepted on it) and which the agent's connections leave from. Both
     * sockets share the port with SO_REUSEADDR and SO_REUSEPORT. When both agents connect at once, either the two
     * SYNs cross and TCP's simultaneous open makes one connection, or one SYN reaches the other's listener first,
     * which accepts it, and the other's own attempt then fails (the address pair is taken) while the accepted
     * connection carries its check. On one host without a listener a SYN that finds the peer's socket merely bound
     * is refused, so the listener is what makes it work there.
     */
    private void bindSimultaneousOpen(InetAddress address) {
        int id = nextSocketId++;
        hostSocketsPending++;
        ChannelFuture bound = NettyTransport.reusePort(new ServerBootstrap()).group(loop, loop)
                .channel(NettyTransport.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (closed || tcpConnections(id) >= TcpMux.MAX_CONNECTIONS_PER_AGENT) {
                            ch.close(); // anyone may connect to the port: as many connections as on a mux
                            return;
                        }
                        IceTcpConnection connection = new IceTcpConnection(DrivenAgent.this, id,
                                ch.remoteAddress());
                        ch.pipeline().addLast(connection);
                        tcpAccepted(connection);
                    }
                })
                .bind(new InetSocketAddress(address, 0));
        onBound(bound, "a simultaneous-open TCP socket", address, channel -> {
            InetSocketAddress local = (InetSocketAddress) channel.localAddress();
            simultaneousOpenListeners.add(channel);
            tcpConnections.put(id, new HashMap<>());
            connectingTcpSockets.put(id, local);
            agent.addLocalSocket(LocalSocket.tcp(id, local, 1, TcpType.SIMULTANEOUS_OPEN), System.nanoTime());
        });
    }

    /** Once a socket of the agent's is bound: {@code added} takes it, or the agent is warned; one fewer pending. */
    private void onBound(ChannelFuture bound, String what, InetAddress address, Consumer<Channel> added) {
        bound.addListener(f -> {
            hostSocketsPending--;
            if (closed) {
                bound.channel().close();
            } else if (f.isSuccess()) {
                added.accept(bound.channel());
            } else {
                listener.onWarning("cannot bind " + what + " on " + address.getHostAddress() + ": "
                        + f.cause().getMessage());
            }
            pump();
        });
    }

    /** How many connections the agent's TCP socket {@code socketId} has. */
    int tcpConnections(int socketId) {
        Map<InetSocketAddress, IceTcpConnection> connections = tcpConnections.get(socketId);
        return connections == null ? 0 : connections.size();
    }

    /**
     * A connection accepted for this agent's passive socket (by a {@link TcpMux}: its first check follows) or
     * simultaneous-open one. It replaces one to the same address: on a simultaneous-open socket, the agent's own
     * attempt, which can no longer be made, and whose queued frames (its check) go on the accepted connection.
     */
    void tcpAccepted(IceTcpConnection connection) {
        IceTcpConnection replaced = tcpConnections.get(connection.socketId()).put(connection.remote(), connection);
        if (replaced != null) {
            replaced.handOverPendingWrites(connection);
            replaced.close();
        }
    }

    /** A TCP connection of this agent's closed (or was never made): its pair's check has failed (RFC 6544 §7.1). */
    void tcpClosed(IceTcpConnection connection) {
        Map<InetSocketAddress, IceTcpConnection> connections = tcpConnections.get(connection.socketId());
        if (connections != null && connections.remove(connection.remote(), connection) && !closed) {
            agent.tcpConnectionClosed(connection.socketId(), connection.remote(), System.nanoTime());
            pump();
        }
    }

    /** Sends on the connection from TCP socket {@code socketId} to the destination, opened first if it is active. */
    private void sendTcp(Map<InetSocketAddress, IceTcpConnection> connections, Transmit t) {
        IceTcpConnection connection = connections.get(t.destination());
        InetSocketAddress from = connectingTcpSockets.get(t.socketId());
        if (connection == null && from != null) {
            connection = new IceTcpConnection(this, t.socketId(), t.destination());
            connections.put(t.destination(), connection);
            IceTcpConnection opening = connection;
            ChannelHandler handler = from.getPort() == 0 ? connection : new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) throws IOException {
                    NettyTransport.reusePort(ch); // a simultaneous-open socket's port, which its listener holds
                    ch.pipeline().addLast(opening);
                }
            };
            new Bootstrap().group(loop).channel(NettyTransport.socketChannel()).handler(handler)
                    .connect(t.destination(), from).addListener(f -> {
                        // A simultaneous-open attempt that fails is not the pair's failure: the peer's attempt
                        // may have reached the listener first and be the connection (the address pair is then
                        // taken, RFC 6544 §7.2). Its queued check waits for that (tcpAccepted), else times out.
                        if (!f.isSuccess() && from.getPort() == 0) {
                            opening.releasePendingWrites();
                            tcpClosed(opening);
                        }
                    });
        }
        if (connection == null) {
            t.content().release(); // a passive socket answers on connections the peer opened, and this one is gone
            return;
        }
        connection.send(t.content());
    }

    /** A datagram received on host socket {@code socketId}, the agent's own or its place on the mux. */
    void receive(int socketId, InetSocketAddress sender, ByteBuf content) {
        if (!closed) {
            agent.handleDatagram(socketId, sender, content, System.nanoTime());
            pump();
        }
    }

    private String sameUfrag(String ufrag) {
        return "another agent on the UDP mux " + mux.localAddress() + " has the ufrag " + ufrag;
    }

    void relayFailed(TurnRelay relay, String why) {
        relay.settle();
        listener.onWarning(why);
        pump();
    }

    /**
     * Runs the agent's and the relays' output until there is none: datagrams out, events to the listener and
     * between the relays and the agent; then flushes and re-arms the timer at the earliest deadline.
     */
    void pump() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        boolean progress = true;
        for (int round = 0; progress && round < MAX_PUMP_ROUNDS; round++) {
            progress = false;
            for (Transmit t = agent.pollTransmit(); t != null; t = agent.pollTransmit()) {
                progress = true;
                route(t, now);
            }
            for (IceEvent e = agent.pollEvent(); e != null; e = agent.pollEvent()) {
                progress = true;
                if (e instanceof IceEvent.LocalCredentialsChanged c) {
                    if (muxMember != null && !muxMember.addUfrag(c.ufrag())) {
                        listener.onWarning(sameUfrag(c.ufrag()) + ": checks for it do not reach this agent");
                    }
                    for (MuxMember tcp : tcpMembers) {
                        if (!tcp.addUfrag(c.ufrag())) {
                            listener.onWarning("another agent on the TCP mux has the ufrag " + c.ufrag()
                                    + ": its connections do not reach this agent");
                        }
                    }
                }
                listener.onEvent(mdns != null && e instanceof IceEvent.LocalCandidate c
                        ? new IceEvent.LocalCandidate(c.stream(), mdns.candidates.signalled(c.candidate())) : e);
            }
            progress |= mdns != null && mdns.writeTransmits();
            for (int i = 0; i < relays.size(); i++) {
                TurnRelay relay = relays.get(i);
                progress |= relay.writeTransmits();
                for (TurnEvent e = relay.session().pollEvent(); e != null; e = relay.session().pollEvent()) {
                    progress = true;
                    handle(relay, e, now);
                }
            }
            if (!localSocketsEnded && hostSocketsPending == 0 && relays.stream().allMatch(TurnRelay::settled)) {
                localSocketsEnded = true;
                progress = true;
                agent.endOfLocalSockets();
            }
        }
        hostSockets.values().forEach(Channel::flush);
        if (mux != null) {
            mux.flush();
        }
        rearmTimer(now);
    }

    private void route(Transmit t, long now) {
        Channel host = hostSockets.get(t.socketId());
        if (host != null) {
            host.write(new DatagramPacket(t.content(), t.destination()));
            return;
        }
        if (muxMember != null && muxMember.socketId() == t.socketId()) {
            mux.write(new DatagramPacket(t.content(), t.destination()));
            return;
        }
        Map<InetSocketAddress, IceTcpConnection> connections = tcpConnections.get(t.socketId());
        if (connections != null) {
            sendTcp(connections, t);
            return;
        }
        for (int i = 0; i < relays.size(); i++) {
            if (relays.get(i).socketId == t.socketId()) {
                relays.get(i).sendToPeer(t.destination(), t.content(), now);
                return;
            }
        }
        t.content().release();
    }

    /** Refreshes, channel bindings and a deletion need nothing from the driver: the session handles them. */
    private void handle(TurnRelay relay, TurnEvent event, long now) {
        if (event instanceof TurnEvent.Allocated a) {
            relay.settle();
            agent.addLocalSocket(LocalSocket.relayed(relay.socketId, a.allocation().relayedAddress(), relay.componentId,
                    a.allocation().mappedAddress()), now);
        } else if (event instanceof TurnEvent.PeerData d) {
            agent.handleDatagram(relay.socketId, d.peer(), Unpooled.wrappedBuffer(d.data()), now);
        } else if (event instanceof TurnEvent.PermissionCreated p) {
            relay.permissionCreated(p.peer());
        } else if (event instanceof TurnEvent.Failed f) {
            if (f.method() == StunMethod.CREATE_PERMISSION) {
                relay.permissionFailed();
            } else if (!relay.settled() || f.method() == StunMethod.REFRESH) {
                relayFailed(relay, relay.session().server() + ": " + f);
            }
        } else if (event instanceof TurnEvent.AlternateServer alt) {
            relayFailed(relay, relay.session().server() + ": the server redirects to " + alt.alternateServer()
                    + " (not followed)");
        }
    }

    private void rearmTimer(long now) {
        long deadline = agent.pollTimeout();
        for (int i = 0; i < relays.size(); i++) {
            OptionalLong relayDeadline = relays.get(i).pollTimeout();
            // Math.min, not a difference: the agent's MIN_VALUE ("at once") and MAX_VALUE ("never") are sentinels.
            deadline = Math.min(deadline, relayDeadline.orElse(Long.MAX_VALUE));
        }
        if (mdns != null) {
            deadline = Math.min(deadline, mdns.mdns.pollTimeout());
        }
        if (timeout.isSet() && timeout.deadline() == deadline) {
            return;
        }
        timers.set(timeout, deadline, now);
    }

    private void timeout(long now) {
        if (closed) {
            return;
        }
        agent.handleTimeout(now);
        for (int i = 0; i < relays.size(); i++) {
            relays.get(i).session().handleTimeout(now);
        }
        if (mdns != null) {
            mdns.mdns.handleTimeout(now);
        }
        pump();
    }
}
