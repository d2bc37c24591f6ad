package io.turnkit.ice.nat;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.LocalSocket;
import io.turnkit.ice.agent.Transmit;
import io.turnkit.ice.sim.Host;
import io.turnkit.ice.sim.SimulatedClock;
import io.turnkit.ice.sim.VirtualTcpConnection;
import io.turnkit.ice.sim.VirtualUdpSocket;
import io.turnkit.ice.stun.StreamFrameReader;
import io.turnkit.ice.turn.TurnEvent;
import io.turnkit.ice.turn.TurnSession;

/**
 * An {@link IceAgent} on a simulated host, driven on the {@link SimulatedClock}: one host socket (id
 * {@value #HOST_SOCKET}) that also asks a STUN server for its server-reflexive address, and one TURN allocation
 * through a {@link TurnSession} on a second socket, or on a TCP connection when the session's transport is TCP
 * (RFC 8656 §3.1: the relayed address is UDP all the same), whose relayed address becomes the relayed socket (id
 * {@value #RELAYED_SOCKET}) of the agent's seam. Every call into the agent or the session is followed by
 * {@link #service()}: transmits go out, events are kept and signalled to the peer after the signalling delay,
 * and the timers are re-armed on the clock at {@code pollTimeout()}.
 *
 * <p>What the agent sends on the relayed socket goes through the allocation once the server has granted a
 * permission for the destination's IP (the first datagram to a new IP asks for one and is dropped, as ICE
 * retransmits); a refused permission leaves that destination unreachable through the relay.
 */
final class SimulatedAgent {
    static final int HOST_SOCKET = 0;
    static final int RELAYED_SOCKET = 1;
    private static final int COMPONENT = 1;
    /** More timer firings at one instant than any agent needs; reaching it means a timer that never moves on. */
    private static final int SPIN_LIMIT = 10_000;

    final String name;
    final IceAgent agent;
    private final SimulatedClock clock;
    private final VirtualUdpSocket hostSocket;
    private final TurnSession turn;
    /** Sends a frame of the TURN session to the server, over UDP or the TCP connection. */
    private final Consumer<byte[]> toTurnServer;
    private final Duration signallingDelay;
    private final List<IceEvent> events = new ArrayList<>();
    private final Set<InetAddress> permitted = new HashSet<>();
    private final Set<InetAddress> asked = new HashSet<>();
    private SimulatedAgent peer;
    private boolean relayAdded;
    private boolean localSocketsEnded;
    private SimulatedClock.ScheduledEvent agentTimer;
    private SimulatedClock.ScheduledEvent turnTimer;
    private long lastFiring = -1;
    private int firingsAtOneInstant;
    private long connectedAt = -1;
    private TurnEvent.Failed turnFailure;

    SimulatedAgent(String name, Host host, SimulatedClock clock, IceConfig config, TurnSession turn,
            Duration signallingDelay) {
        this.name = name;
        this.clock = clock;
        this.agent = IceAgent.create(config);
        this.turn = turn;
        this.signallingDelay = signallingDelay;
        this.hostSocket = host.bind(0);
        hostSocket.onReceive((socket, from, bytes, now) -> {
            agent.handleDatagram(HOST_SOCKET, from, Unpooled.wrappedBuffer(bytes), now);
            service();
        });
        this.toTurnServer = turn.transport().isStream() ? overTcp(host) : overUdp(host);
    }

    private Consumer<byte[]> overUdp(Host host) {
        VirtualUdpSocket socket = host.bind(0);
        socket.onReceive((self, from, bytes, now) -> {
            turn.handleInput(from, Unpooled.wrappedBuffer(bytes), now);
            service();
        });
        return bytes -> socket.send(turn.server(), bytes);
    }

    /** RFC 8656 §12.5: frames follow each other on the stream, cut where each ends. */
    private Consumer<byte[]> overTcp(Host host) {
        VirtualTcpConnection connection = host.connect(turn.server());
        StreamFrameReader frames = new StreamFrameReader();
        connection.onReceive((self, bytes, now) -> {
            frames.append(bytes, 0, bytes.length);
            try {
                for (ByteBuf frame = frames.next(); frame != null; frame = frames.next()) {
                    turn.handleInput(turn.server(), frame, now);
                }
            } catch (ProtocolException e) {
                throw new UncheckedIOException(name + ": the TURN server broke the stream's framing", e);
            }
            service();
        });
        return connection::write;
    }

    /** Signals credentials to {@code other} and starts gathering: host, server-reflexive and relayed. */
    void start(SimulatedAgent other, InetSocketAddress stunServer) {
        this.peer = other;
        long now = clock.now();
        signal(p -> p.agent.setRemoteCredentials(agent.localCredentials().ufrag(),
                agent.localCredentials().password(), clock.now()));
        agent.addLocalSocket(LocalSocket.host(HOST_SOCKET, hostSocket.localAddress(), COMPONENT), now);
        agent.addStunServer(stunServer, now);
        turn.start(now);
        service();
    }

    /** The events so far, in order. */
    List<IceEvent> events() {
        return List.copyOf(events);
    }

    /** The last selected pair, or null. */
    IceEvent.SelectedPairChanged selected() {
        IceEvent.SelectedPairChanged last = null;
        for (IceEvent e : events) {
            if (e instanceof IceEvent.SelectedPairChanged s) {
                last = s;
            }
        }
        return last;
    }

    /** The simulated time the agent first reached CONNECTED, or -1. */
    long connectedAt() {
        return connectedAt;
    }

    IceConnectionState state() {
        return agent.state();
    }

    /**
     * Closes the agent and deletes the allocation (RFC 8656 §8: a Refresh of lifetime 0), so that no allocation is
     * left on the server for a 5-tuple that a later stand-in socket, given the same real port, would meet (437).
     */
    void close() {
        turn.close(clock.now());
        agent.close();
        service();
    }

    /** Whether the allocation is gone: deleted, never made, or failed. */
    boolean released() {
        return turn.state() == TurnSession.State.CLOSED || turn.state() == TurnSession.State.FAILED;
    }

    /** For a failure's message: the agent's state, its TURN session's and what the session last failed at. */
    @Override
    public String toString() {
        long candidates = events.stream().filter(IceEvent.LocalCandidate.class::isInstance).count();
        return name + ": " + agent.state() + ", " + candidates + " local candidates, TURN " + turn.state()
                + (turnFailure == null ? "" : " (last failure " + turnFailure + ")") + ", permitted " + permitted;
    }

    /** Moves transmits out, events on, and re-arms the timers; again until nothing moves. */
    void service() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Transmit t = agent.pollTransmit(); t != null; t = agent.pollTransmit()) {
                moved = true;
                byte[] bytes = ByteBufUtil.getBytes(t.content());
                t.content().release();
                if (t.socketId() == HOST_SOCKET) {
                    hostSocket.send(t.destination(), bytes);
                } else {
                    relay(t.destination(), bytes);
                }
            }
            for (IceEvent e = agent.pollEvent(); e != null; e = agent.pollEvent()) {
                moved = true;
                onAgentEvent(e);
            }
            for (io.turnkit.ice.turn.Transmit t = turn.pollTransmit(); t != null; t = turn.pollTransmit()) {
                moved = true;
                toTurnServer.accept(t.bytes());
            }
            for (TurnEvent e = turn.pollEvent(); e != null; e = turn.pollEvent()) {
                moved = true;
                onTurnEvent(e);
            }
        }
        armAgentTimer();
        armTurnTimer();
    }

    private void onAgentEvent(IceEvent e) {
        events.add(e);
        if (e instanceof IceEvent.LocalCandidate c) {
            signal(p -> p.agent.addRemoteCandidate(c.candidate(), clock.now()));
        } else if (e instanceof IceEvent.GatheringComplete) {
            signal(p -> p.agent.endOfRemoteCandidates(clock.now()));
        } else if (e instanceof IceEvent.ConnectionStateChanged s && s.state() == IceConnectionState.CONNECTED
                && connectedAt < 0) {
            connectedAt = clock.now();
        }
    }

    private void onTurnEvent(TurnEvent e) {
        long now = clock.now();
        if (e instanceof TurnEvent.Allocated a && !relayAdded) {
            relayAdded = true;
            // The mapped address the server saw is a stand-in socket of the gateway, not a simulated address:
            // the relayed candidate goes without a related address.
            agent.addLocalSocket(LocalSocket.relayed(RELAYED_SOCKET, a.allocation().relayedAddress(), COMPONENT,
                    null), now);
            endLocalSockets();
        } else if (e instanceof TurnEvent.Failed f) {
            turnFailure = f;
        } else if (e instanceof TurnEvent.PermissionCreated p) {
            permitted.add(p.peer());
        } else if (e instanceof TurnEvent.PeerData d) {
            agent.handleDatagram(RELAYED_SOCKET, d.peer(), Unpooled.wrappedBuffer(d.data()), now);
        }
        if (turn.state() == TurnSession.State.FAILED) {
            endLocalSockets();
        }
    }

    private void endLocalSockets() {
        if (!localSocketsEnded) {
            localSocketsEnded = true;
            agent.endOfLocalSockets();
        }
    }

    private void relay(InetSocketAddress destination, byte[] bytes) {
        if (turn.state() != TurnSession.State.ALLOCATED) {
            return;
        }
        InetAddress ip = destination.getAddress();
        if (permitted.contains(ip)) {
            turn.send(destination, bytes, 0, bytes.length);
        } else if (asked.add(ip)) {
            turn.createPermission(ip, clock.now());
        }
    }

    /** Runs {@code action} on the peer after the signalling delay, then services the peer. */
    private void signal(Consumer<SimulatedAgent> action) {
        SimulatedAgent to = peer;
        clock.schedule(signallingDelay, () -> {
            action.accept(to);
            to.service();
        });
    }

    private void armAgentTimer() {
        if (agentTimer != null) {
            agentTimer.cancel();
        }
        long at = agent.pollTimeout();
        agentTimer = at == Long.MAX_VALUE ? null : clock.schedule(Math.max(0, at - clock.now()), () -> {
            countFiring();
            agent.handleTimeout(clock.now());
            service();
        });
    }

    private void armTurnTimer() {
        if (turnTimer != null) {
            turnTimer.cancel();
        }
        turnTimer = turn.pollTimeout().stream().mapToObj(at -> clock.schedule(Math.max(0, at - clock.now()), () -> {
            countFiring();
            turn.handleTimeout(clock.now());
            service();
        })).findFirst().orElse(null);
    }

    /** A timer whose deadline never moves past now would spin the clock at one instant forever. */
    private void countFiring() {
        if (clock.now() != lastFiring) {
            lastFiring = clock.now();
            firingsAtOneInstant = 0;
        } else if (++firingsAtOneInstant > SPIN_LIMIT) {
            throw new AssertionError(name + ": a timer fires again and again at " + clock.now() + " ns");
        }
    }
}
