package io.turnkit.ice.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * Two agents wired back to back in memory, on a simulated clock: datagrams go from one agent's transmits to the
 * other's {@link IceAgent#handleDatagram} after a fixed latency, signalling (candidates, credentials,
 * end-of-candidates) is forwarded at once, and time jumps from one deadline to the next. Knobs: a loss rate, a
 * filter that blocks datagrams, address translation (a NAT's public address for a socket), and STUN servers that
 * answer with the translated source.
 *
 * <p>TCP sockets (RFC 6544) are the in-memory stream seam: a transmit from an active (or S-O) socket to an address
 * with no connection yet opens one to the passive (or S-O) socket listening there, from a new ephemeral port (the
 * S-O socket's own); a connection to an address nobody listens at is refused, which the agent hears as
 * {@link IceAgent#tcpConnectionClosed}; a passive socket sends only on connections opened to it, anything else is
 * counted in {@link #tcpUnconnected}. Frames keep their boundaries, as RFC 4571 framing does.
 */
final class BackToBack {
    static final Duration LATENCY = Duration.ofMillis(5);

    /** A datagram on the wire, kept for the tests to inspect. */
    record Packet(long sentNanos, String fromAgent, InetSocketAddress source, InetSocketAddress destination,
                  byte[] bytes, boolean tcp) {
        boolean isStun() {
            return bytes.length >= StunMessage.HEADER_LENGTH && (bytes[0] & 0xFF) <= 3;
        }

        StunMessage stun() {
            StunMessage m = new StunMessage();
            m.wrap(Unpooled.wrappedBuffer(bytes), 0, bytes.length).validate();
            return m;
        }

        boolean isBindingRequest() {
            return isStun() && stun().isRequest();
        }

        boolean has(int attributeType) {
            return stun().hasAttribute(attributeType);
        }

        String transactionId() {
            return ByteBufUtil.hexDump(bytes, StunMessage.TRANSACTION_ID_OFFSET, StunMessage.TRANSACTION_ID_LENGTH);
        }
    }

    private record Endpoint(String agent, int socketId) {
    }

    private record InFlight(long deliverNanos, Packet packet) {
    }

    long now = 1_000_000_000L;
    final Map<String, IceAgent> agents = new LinkedHashMap<>();
    final Map<String, List<IceEvent>> events = new HashMap<>();
    final List<Packet> wire = new ArrayList<>();
    final Map<String, Boolean> signalling = new HashMap<>();
    private final Map<InetSocketAddress, Endpoint> routes = new HashMap<>();
    private final Map<String, InetSocketAddress> localAddresses = new HashMap<>();
    private final Map<InetSocketAddress, InetSocketAddress> translations = new HashMap<>();
    private final List<InetSocketAddress> stunServers = new ArrayList<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final SplittableRandom lossRandom = new SplittableRandom(7);
    double loss;
    Predicate<Packet> blocked = p -> false;
    /** TCP: each socket's type (by "agent/id"), the connections' far ends, and who is at each end's address. */
    private final Map<String, TcpType> tcpTypes = new HashMap<>();
    private final Map<String, InetSocketAddress> tcpConnections = new HashMap<>();
    private final Map<InetSocketAddress, Endpoint> tcpRoutes = new HashMap<>();
    private int nextEphemeralPort = 40_000;
    /** Frames a passive socket sent where no connection was opened to it. */
    int tcpUnconnected;

    /** Adds an agent; its events are forwarded to the other agent as signalling while {@code signalling} is on. */
    IceAgent add(String name, IceConfig config) {
        IceAgent agent = IceAgent.create(config);
        agents.put(name, agent);
        events.put(name, new ArrayList<>());
        signalling.put(name, true);
        return agent;
    }

    /** A host socket for the agent, reachable at {@code address} (or at its translation, if one is set). */
    void socket(String name, int id, String ip, int port, int component) {
        socket(name, 0, id, ip, port, component);
    }

    /** A host socket of data stream {@code stream}. */
    void socket(String name, int stream, int id, String ip, int port, int component) {
        InetSocketAddress address = new InetSocketAddress(ip, port);
        routes.put(address, new Endpoint(name, id));
        localAddresses.put(name + '/' + id, address);
        agents.get(name).addLocalSocket(stream, LocalSocket.host(id, address, component), now);
    }

    /** A TCP host socket of the agent's (RFC 6544): {@code port} is where a passive or S-O one listens. */
    void tcpSocket(String name, int id, String ip, int port, int component, TcpType tcpType) {
        InetSocketAddress address = new InetSocketAddress(ip, port);
        tcpTypes.put(name + '/' + id, tcpType);
        localAddresses.put(name + '/' + id, address);
        if (tcpType != TcpType.ACTIVE) {
            tcpRoutes.put(address, new Endpoint(name, id));
        }
        agents.get(name).addLocalSocket(LocalSocket.tcp(id, address, component, tcpType), now);
    }

    /**
     * A relayed socket for the agent: in this loop the relay is transparent, datagrams to {@code relayed} reach the
     * socket and datagrams from it leave from {@code relayed}, as a TURN allocation would carry them.
     */
    void relayedSocket(String name, int id, String relayed, String mapped, int component) {
        InetSocketAddress address = parse(relayed);
        routes.put(address, new Endpoint(name, id));
        localAddresses.put(name + '/' + id, address);
        agents.get(name).addLocalSocket(LocalSocket.relayed(id, address, component, parse(mapped)), now);
    }

    /** Packets from {@code local} appear to come from {@code publicAddress}, and packets to it reach {@code local}. */
    void translate(String local, String publicAddress) {
        InetSocketAddress l = parse(local);
        InetSocketAddress p = parse(publicAddress);
        translations.put(l, p);
        routes.put(p, routes.get(l));
    }

    void stunServer(String address) {
        stunServers.add(parse(address));
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    IceAgent agent(String name) {
        return agents.get(name);
    }

    String other(String name) {
        return agents.keySet().stream().filter(n -> !n.equals(name)).findFirst().orElseThrow();
    }

    /** Signals each agent's credentials and its ICE-lite flag to the other. */
    void exchangeCredentials() {
        for (String name : agents.keySet()) {
            IceAgent peer = agents.get(other(name));
            IceCredentials c = agents.get(name).localCredentials();
            peer.setRemoteCredentials(c.ufrag(), c.password(), now);
            peer.setRemoteLite(agents.get(name).isLite(), now);
        }
    }

    /** Runs until {@code condition} holds, failing after {@code limit} of simulated time. */
    void runUntil(BooleanSupplier condition, Duration limit) {
        long end = now + limit.toNanos();
        for (int steps = 0; steps < 1_000_000; steps++) {
            drain();
            if (condition.getAsBoolean()) {
                return;
            }
            long next = nextEvent();
            if (next > end) {
                now = end;
                break;
            }
            advance(next, steps);
            deliverAndTick();
        }
        drain();
        assertTrue(condition.getAsBoolean(), "condition not reached within " + limit);
    }

    /** Runs for {@code duration} of simulated time. */
    void run(Duration duration) {
        long end = now + duration.toNanos();
        for (int steps = 0; steps < 1_000_000; steps++) {
            drain();
            long next = nextEvent();
            if (next > end) {
                break;
            }
            advance(next, steps);
            deliverAndTick();
        }
        now = end;
        drain();
    }

    private int stalled;

    /** Moves the clock; an agent whose deadline stays in the past while nothing changes would spin forever. */
    private void advance(long next, int steps) {
        if (next > now) {
            now = next;
            stalled = 0;
        } else if (++stalled > 10_000) {
            throw new AssertionError("an agent's pollTimeout stays at or before now without progress");
        }
    }

    private long nextEvent() {
        long next = Long.MAX_VALUE;
        for (IceAgent agent : agents.values()) {
            next = Math.min(next, agent.pollTimeout());
        }
        if (!inFlight.isEmpty()) {
            next = Math.min(next, inFlight.peekFirst().deliverNanos());
        }
        return next;
    }

    private void deliverAndTick() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().deliverNanos() <= now) {
            deliver(inFlight.pollFirst().packet());
        }
        for (IceAgent agent : agents.values()) {
            if (agent.pollTimeout() <= now) {
                agent.handleTimeout(now);
            }
        }
    }

    private void deliver(Packet p) {
        Endpoint to = (p.tcp() ? tcpRoutes : routes).get(p.destination());
        if (to != null) {
            agents.get(to.agent()).handleDatagram(to.socketId(), p.source(), Unpooled.wrappedBuffer(p.bytes()), now);
        } else if (stunServers.contains(p.destination())) {
            answerBinding(p);
        }
    }

    /** A STUN server: a Binding success response with the (translated) source in XOR-MAPPED-ADDRESS. */
    private void answerBinding(Packet request) {
        StunMessage m = request.stun();
        if (!m.isWellFormed() || !m.isRequest()) {
            return;
        }
        ByteBuf out = Unpooled.buffer();
        new StunMessageEncoder().wrap(out)
            .header(StunMessageType.of(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE), m)
            .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, request.source())
            .finish();
        send(new Packet(now, "stun", request.destination(), request.source(), ByteBufUtil.getBytes(out), false));
    }

    /** Moves every transmit to the wire and every event to the log (and to the peer, as signalling). */
    void drain() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Map.Entry<String, IceAgent> e : agents.entrySet()) {
                String name = e.getKey();
                IceAgent agent = e.getValue();
                for (Transmit t = agent.pollTransmit(); t != null; t = agent.pollTransmit()) {
                    moved = true;
                    byte[] bytes = ByteBufUtil.getBytes(t.content());
                    t.content().release();
                    TcpType tcpType = tcpTypes.get(name + '/' + t.socketId());
                    if (tcpType != null) {
                        sendTcp(name, t.socketId(), tcpType, t.destination(), bytes);
                        continue;
                    }
                    InetSocketAddress source = localAddresses.get(name + '/' + t.socketId());
                    source = translations.getOrDefault(source, source);
                    send(new Packet(now, name, source, t.destination(), bytes, false));
                }
                for (IceEvent event = agent.pollEvent(); event != null; event = agent.pollEvent()) {
                    moved = true;
                    events.get(name).add(event);
                    if (signalling.get(name)) {
                        signal(agents.get(other(name)), event);
                    }
                }
            }
        }
    }

    /** A frame on the connection from the socket to {@code destination}, opened first if it need be and can be. */
    private void sendTcp(String name, int socketId, TcpType tcpType, InetSocketAddress destination, byte[] bytes) {
        InetSocketAddress source = tcpConnections.get(name + '/' + socketId + '/' + destination);
        if (source == null && tcpType == TcpType.PASSIVE) {
            tcpUnconnected++;
            return;
        }
        if (source == null) {
            Endpoint listener = tcpRoutes.get(destination);
            TcpType listening = listener == null ? null : tcpTypes.get(listener.agent() + '/' + listener.socketId());
            if (listening != (tcpType == TcpType.ACTIVE ? TcpType.PASSIVE : TcpType.SIMULTANEOUS_OPEN)) {
                agents.get(name).tcpConnectionClosed(socketId, destination, now); // refused
                return;
            }
            InetSocketAddress local = localAddresses.get(name + '/' + socketId);
            source = tcpType == TcpType.ACTIVE ? new InetSocketAddress(local.getAddress(), nextEphemeralPort++) : local;
            tcpConnections.put(name + '/' + socketId + '/' + destination, source);
            tcpConnections.put(listener.agent() + '/' + listener.socketId() + '/' + source, destination);
            tcpRoutes.put(source, new Endpoint(name, socketId));
        }
        send(new Packet(now, name, source, destination, bytes, true));
    }

    private void signal(IceAgent peer, IceEvent event) {
        if (event instanceof IceEvent.LocalCandidate c) {
            peer.addRemoteCandidate(c.stream(), c.candidate(), now);
        } else if (event instanceof IceEvent.GatheringComplete) {
            peer.endOfRemoteCandidates(now);
        } else if (event instanceof IceEvent.LocalCredentialsChanged c) {
            peer.setRemoteCredentials(c.ufrag(), c.password(), now);
        }
    }

    private void send(Packet p) {
        wire.add(p);
        if (blocked.test(p) || (loss > 0 && lossRandom.nextDouble() < loss)) {
            return;
        }
        inFlight.addLast(new InFlight(now + LATENCY.toNanos(), p));
    }

    /** The events of one type an agent produced, in order. */
    <T extends IceEvent> List<T> events(String name, Class<T> type) {
        return events.get(name).stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The connection states an agent went through, in order. */
    List<IceConnectionState> states(String name) {
        return events(name, IceEvent.ConnectionStateChanged.class).stream()
            .map(IceEvent.ConnectionStateChanged::state).toList();
    }

    /** The last selected pair of a component of the first data stream, or null. */
    IceEvent.SelectedPairChanged selected(String name, int component) {
        return selected(name, 0, component);
    }

    /** The last selected pair of a component of data stream {@code stream}, or null. */
    IceEvent.SelectedPairChanged selected(String name, int stream, int component) {
        List<IceEvent.SelectedPairChanged> all = events(name, IceEvent.SelectedPairChanged.class).stream()
            .filter(s -> s.stream() == stream && s.componentId() == component).toList();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The packets an agent sent, in order. */
    List<Packet> sentBy(String name) {
        return wire.stream().filter(p -> p.fromAgent().equals(name)).toList();
    }
}
