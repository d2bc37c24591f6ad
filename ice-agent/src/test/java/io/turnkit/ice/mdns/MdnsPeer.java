package io.turnkit.ice.mdns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.turnkit.ice.agent.Candidate;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.agent.LocalSocket;
import io.turnkit.ice.agent.Transmit;
import io.turnkit.ice.sdp.IceDescription;
import io.turnkit.ice.sim.Host;
import io.turnkit.ice.sim.SimulatedClock;
import io.turnkit.ice.sim.VirtualUdpSocket;

/**
 * An {@link IceAgent} with mDNS candidates on a simulated host: one host socket for ICE, one on port 5353 joined to
 * the mDNS group for its {@link MulticastDns}, and {@link MdnsCandidates} between the agent and the signalling,
 * which reaches the peer after {@link #SIGNALLING_DELAY} as {@link IceDescription}s. Every call is followed by
 * {@link #service()}: datagrams out, events on, one timer re-armed at the earlier of both deadlines.
 */
final class MdnsPeer {
    static final Duration SIGNALLING_DELAY = Duration.ofMillis(50);
    /** More timer firings at one instant than any agent needs. */
    private static final int SPIN_LIMIT = 10_000;

    final IceAgent agent;
    final MulticastDns mdns;
    final MdnsCandidates candidates;
    final List<Candidate> signalled = new ArrayList<>();
    private final SimulatedClock clock;
    private final VirtualUdpSocket iceSocket;
    private final VirtualUdpSocket mdnsSocket;
    private IceEvent.SelectedPairChanged selected;
    private MdnsPeer peer;
    private SimulatedClock.ScheduledEvent timer;
    private long lastFiring = -1;
    private int firingsAtOneInstant;

    MdnsPeer(Host host, SimulatedClock clock, IceRole role, boolean hideHostAddresses, long seed) {
        this.clock = clock;
        this.agent = IceAgent.create(IceConfig.builder().role(role).random(new Random(seed)).build());
        this.mdns = new MulticastDns(new Random(seed), MulticastDns.DEFAULT_TIMEOUT, UnpooledByteBufAllocator.DEFAULT);
        this.candidates = new MdnsCandidates(mdns, hideHostAddresses);
        this.iceSocket = host.bind(0);
        this.mdnsSocket = host.bind(MulticastDns.PORT);
        mdnsSocket.joinGroup(MulticastDns.IPV4_GROUP.getAddress());
        iceSocket.onReceive((socket, from, bytes, now) -> {
            countFiring();
            agent.handleDatagram(0, from, Unpooled.wrappedBuffer(bytes), now);
            service();
        });
        mdnsSocket.onReceive((socket, from, bytes, now) -> {
            mdns.handleDatagram(from, Unpooled.wrappedBuffer(bytes), now);
            service();
        });
    }

    void start(MdnsPeer other) {
        this.peer = other;
        signal(new IceDescription(agent.localCredentials().ufrag(), agent.localCredentials().password(), List.of(),
            false, List.of(), false));
        agent.addLocalSocket(LocalSocket.host(0, iceSocket.localAddress(), 1), clock.now());
        agent.endOfLocalSockets();
        service();
    }

    IceConnectionState state() {
        return agent.state();
    }

    /** The pair selected last, or null. */
    IceEvent.SelectedPairChanged selected() {
        return selected;
    }

    void close() {
        candidates.close();
        agent.close();
        service();
    }

    void service() {
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Transmit t = agent.pollTransmit(); t != null; t = agent.pollTransmit()) {
                moved = true;
                send(iceSocket, t.destination(), t.content());
            }
            for (MdnsTransmit t = mdns.pollTransmit(); t != null; t = mdns.pollTransmit()) {
                moved = true;
                send(mdnsSocket, t.destination(), t.content());
            }
            for (IceEvent e = agent.pollEvent(); e != null; e = agent.pollEvent()) {
                moved = true;
                if (e instanceof IceEvent.LocalCandidate c) {
                    Candidate shown = candidates.signalled(c.candidate());
                    signalled.add(shown);
                    signal(new IceDescription(null, null, List.of(), false, List.of(shown), false));
                } else if (e instanceof IceEvent.GatheringComplete) {
                    signal(new IceDescription(null, null, List.of(), false, List.of(), true));
                } else if (e instanceof IceEvent.SelectedPairChanged s) {
                    selected = s;
                }
            }
        }
        if (timer != null) {
            timer.cancel();
        }
        // Math.min, not a difference: the agent's MIN_VALUE ("at once") and MAX_VALUE ("never") are sentinels.
        long at = Math.min(agent.pollTimeout(), mdns.pollTimeout());
        long delay = at == Long.MIN_VALUE ? 0 : Math.max(0, at - clock.now());
        timer = at == Long.MAX_VALUE ? null : clock.schedule(delay, () -> {
            countFiring();
            agent.handleTimeout(clock.now());
            mdns.handleTimeout(clock.now());
            service();
        });
    }

    /** A timer or an exchange that never moves past now would spin the clock at one instant forever. */
    private void countFiring() {
        if (clock.now() != lastFiring) {
            lastFiring = clock.now();
            firingsAtOneInstant = 0;
        } else if (++firingsAtOneInstant > SPIN_LIMIT) {
            throw new AssertionError("a timer fires again and again at " + clock.now() + " ns: agent "
                + agent.pollTimeout() + ", mDNS " + mdns.pollTimeout() + ", " + agent.state() + " "
                + agent.describeCheckList());
        }
    }

    private static void send(VirtualUdpSocket socket, InetSocketAddress to, ByteBuf content) {
        byte[] bytes = ByteBufUtil.getBytes(content);
        content.release();
        socket.send(to, bytes);
    }

    private void signal(IceDescription description) {
        MdnsPeer to = peer;
        Consumer<MdnsPeer> apply = p -> p.candidates.apply(description, p.agent, clock.now());
        clock.schedule(SIGNALLING_DELAY, () -> {
            apply.accept(to);
            to.service();
        });
    }
}
