package io.turnkit.ice.nat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.sim.Host;
import io.turnkit.ice.sim.SimulatedClock;
import io.turnkit.ice.sim.VirtualNetwork;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.TurnSession;

/**
 * Two ICE agents on a {@link VirtualNetwork}, each with a TURN allocation on a real TURN server reached through a
 * {@link TurnGateway} (over UDP, or over TCP for an agent that UDP cannot take there), and a STUN server on the
 * simulated internet. Candidates and credentials are trickled through a signalling channel with a fixed delay.
 *
 * <p>{@link #runUntil} moves simulated time from one event to the next, except while the gateway awaits the real
 * server: then it waits for the server's datagrams in real time, never longer than the simulation's next event
 * is away, and moves simulated time on by the real time that passed. Simulated time is therefore never behind
 * the real time the server took, and a test bounds it with margins for a loaded machine.
 */
final class IceSimulation implements AutoCloseable {
    static final String STUN_SERVER_ADDRESS = "198.51.100.1";
    static final int STUN_PORT = 3478;
    /** Far more steps than any case takes; the loop is bounded in count as well as in simulated time. */
    private static final int MAX_STEPS = 5_000_000;
    private static final Duration RELEASE_BOUND = Duration.ofMinutes(1);

    final SimulatedClock clock = new SimulatedClock();
    final VirtualNetwork network = new VirtualNetwork(clock, new Random(42));
    final TurnGateway gateway;
    private final InetSocketAddress turnServer;
    private final InetSocketAddress turnServerTcp;
    private final SimulatedStunServer stun;
    private final Duration signallingDelay;
    private final SplittableRandom seeds = new SplittableRandom(15);
    private final List<SimulatedAgent> agents = new ArrayList<>();

    /** With the TURN server's UDP and TCP listeners, on one loopback address and port. */
    IceSimulation(InetSocketAddress turnServer, InetSocketAddress turnServerTcp, Duration signallingDelay) {
        this.turnServer = turnServer;
        this.turnServerTcp = turnServerTcp;
        this.signallingDelay = signallingDelay;
        this.gateway = new TurnGateway(network.internet(), turnServer, turnServerTcp);
        this.stun = new SimulatedStunServer(network.internet().addHost("stun", STUN_SERVER_ADDRESS), STUN_PORT);
    }

    /**
     * An agent on {@code host} in {@code role}, with its own TURN session on the real server over {@code transport}
     * (UDP or TCP: {@code turn:...?transport=tcp}, RFC 7065).
     */
    SimulatedAgent agent(String name, Host host, IceRole role, TransportProtocol transport, String user,
            String password) {
        IceConfig config = IceConfig.builder().role(role).tieBreaker(seeds.nextLong())
                .random(new SplittableRandom(seeds.nextLong())).build();
        InetSocketAddress server = switch (transport) {
            case UDP -> turnServer;
            case TCP -> turnServerTcp;
            case TLS -> throw new IllegalArgumentException("TURN over TLS is not simulated");
        };
        TurnSession turn = new TurnSession(server, transport, new LongTermCredentials(user, password),
                TurnSession.Options.DEFAULTS);
        SimulatedAgent agent = new SimulatedAgent(name, host, clock, config, turn, signallingDelay);
        agents.add(agent);
        return agent;
    }

    /** Starts both: each signals its credentials and candidates to the other as it gathers them. */
    void start(SimulatedAgent a, SimulatedAgent b) {
        a.start(b, stun.address());
        b.start(a, stun.address());
    }

    /** Runs until {@code done} holds or {@code limit} of simulated time has passed; tells whether it held. */
    boolean runUntil(BooleanSupplier done, Duration limit) {
        long end = clock.now() + limit.toNanos();
        for (int step = 0; step < MAX_STEPS && !done.getAsBoolean() && clock.now() < end; step++) {
            gateway.poll(0);
            long next = Math.min(clock.nextEventTime(), end);
            if (gateway.awaiting()) {
                long gap = next - clock.now();
                long waited = gap > 0 ? gateway.poll(Math.min(gap, gateway.deadlineNanos())) : 0;
                clock.runUntil(clock.now() + Math.min(waited, gap));
            } else {
                clock.runUntil(next);
            }
        }
        return done.getAsBoolean();
    }

    /**
     * Closes the agents and waits (bounded: an unanswered Refresh fails after 39.5 s of simulated time) until the
     * server has deleted their allocations, then closes the gateway's sockets.
     */
    @Override
    public void close() throws IOException {
        agents.forEach(SimulatedAgent::close);
        boolean released = runUntil(() -> agents.stream().allMatch(SimulatedAgent::released), RELEASE_BOUND);
        gateway.close();
        if (!released) {
            throw new IllegalStateException("allocations not released within " + RELEASE_BOUND + ": " + agents);
        }
    }
}
