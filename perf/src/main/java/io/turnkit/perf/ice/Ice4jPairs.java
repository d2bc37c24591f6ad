package io.turnkit.perf.ice;

import java.beans.PropertyChangeEvent;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.Component;
import org.ice4j.ice.ComponentSocket;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.ice.harvest.MappingCandidateHarvesters;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * The same load as {@link MuxPairs} on another Java ICE agent, ice4j (org.jitsi:ice4j): N pairs of {@link Agent}s in
 * this JVM, one controlling and one controlled, one component each, candidates and credentials exchanged in-process;
 * the time to the selected pair runs from a pair's start to the controlled agent's COMPLETED state (it has a nominated
 * pair, RFC 8445 §8.1.1). The controlled agents share one port on 127.0.0.1 through ice4j's own one-port harvester
 * ({@link SinglePortUdpHarvester}, what a media server built on ice4j runs), as on our mux. That port only answers
 * (it learns a session's remote address from its first check), so the controlling agents send the checks, from a
 * socket each on 127.0.0.1 ({@link LoopbackHostHarvester}: ice4j's own host harvester never offers a loopback
 * address).
 */
final class Ice4jPairs {
    private static final String STREAM = "data";
    /**
     * ice4j logs every agent's gathering and state changes at INFO, and warns as each freed agent drops its socket;
     * thousands of agents would bury the figures. Held so that the levels set stay: java.util.logging keeps its
     * loggers weakly.
     */
    private static final Logger[] QUIET = {Logger.getLogger("org.ice4j"), Logger.getLogger("org.jitsi")};
    /** How long freed agents may take to become unreachable before the heap is read anyway. */
    private static final Duration FREED_WITHIN = Duration.ofSeconds(10);
    private static final Duration FREED_POLL = Duration.ofMillis(50);

    private final int pairs;
    private final long[] connectNanos;
    private final long[] startNanos;
    private final AtomicInteger connected = new AtomicInteger();

    Ice4jPairs(int pairs) {
        this.pairs = pairs;
        this.connectNanos = new long[pairs];
        this.startNanos = new long[pairs];
    }

    /**
     * ice4j reads its configuration (Typesafe config, which takes system properties over its reference.conf) once,
     * when its classes load, so this runs before any of them: no mapping harvester that would reach out of the machine
     * (the AWS one asks the EC2 metadata address), and should an agent's host harvester run after all, 127.0.0.1
     * alone.
     */
    static void configureLoopbackOnly() {
        System.setProperty("org.ice4j.ice.harvest.ALLOWED_ADDRESSES", "127.0.0.1");
        System.setProperty("org.ice4j.ice.harvest.ALLOWED_INTERFACES", "lo");
        System.setProperty("org.ice4j.ipv6.DISABLED", "true");
        System.setProperty("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true");
        for (Logger logger : QUIET) {
            logger.setLevel(Level.SEVERE);
        }
    }

    IceScale.Result run() throws Exception {
        configureLoopbackOnly();
        if (MappingCandidateHarvesters.getHarvesters().length != 0) {
            throw new IllegalStateException("ice4j has mapping harvesters configured; they would leave loopback");
        }
        Agent[] controlling = new Agent[pairs];
        Agent[] controlled = new Agent[pairs];
        SinglePortUdpHarvester server = new SinglePortUdpHarvester(loopback());
        try {
            for (int i = 0; i < pairs; i++) {
                controlling[i] = agent(true, new LoopbackHostHarvester());
                controlled[i] = agent(false, server);
                exchange(controlling[i], controlled[i]);
                exchange(controlled[i], controlling[i]);
                int index = i;
                controlled[i].addStateChangeListener(e -> onState(index, e));
            }
            long cpuStart = IceScale.processCpuNanos();
            long wallStart = System.nanoTime();
            for (int i = 0; i < pairs; i++) {
                startNanos[i] = System.nanoTime();
                controlled[i].startConnectivityEstablishment();
                controlling[i].startConnectivityEstablishment();
            }
            IceScale.Connecting phase = IceScale.Connecting.await(connected, pairs, cpuStart, wallStart);
            // The controlled side alone, as on the mux: the heap with every agent, less the heap once they are freed.
            long withSessions = IceScale.heapAfterGc();
            List<WeakReference<Agent>> freed = Arrays.stream(controlled).map(WeakReference::new).toList();
            free(controlled);
            long perSession = withSessions - heapOnceCollected(freed);
            return new IceScale.Result(connectNanos, connected.get(), (double) perSession / pairs,
                    "a controlled ice4j Agent with its component, socket and StunStack", phase.threads(),
                    phase.cpuNanos(), 0, phase.wallSeconds());
        } finally {
            free(controlled);
            free(controlling);
            server.close();
        }
    }

    private static TransportAddress loopback() {
        return new TransportAddress(InetAddress.getLoopbackAddress(), 0, Transport.UDP);
    }

    private static Agent agent(boolean isControlling, CandidateHarvester host) throws Exception {
        Agent agent = new Agent();
        agent.setControlling(isControlling);
        // The given harvester is the agent's only host harvester: no interface scan, nothing beyond loopback.
        agent.setUseDynamicPorts(false);
        agent.addCandidateHarvester(host);
        IceMediaStream stream = agent.createMediaStream(STREAM);
        agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
        return agent;
    }

    /** Signals {@code from}'s credentials and candidates to {@code to}, as an offer or answer would. */
    private static void exchange(Agent from, Agent to) {
        IceMediaStream local = from.getStream(STREAM);
        IceMediaStream remote = to.getStream(STREAM);
        remote.setRemoteUfrag(from.getLocalUfrag());
        remote.setRemotePassword(from.getLocalPassword());
        for (Component component : local.getComponents()) {
            Component peer = remote.getComponent(component.getComponentID());
            for (LocalCandidate c : component.getLocalCandidates()) {
                peer.addRemoteCandidate(new RemoteCandidate(c.getTransportAddress(), peer, c.getType(),
                        c.getFoundation(), c.getPriority(), null));
            }
        }
    }

    private void onState(int index, PropertyChangeEvent event) {
        if (event.getNewValue() == IceProcessingState.COMPLETED && connectNanos[index] == 0) {
            connectNanos[index] = Math.max(1, System.nanoTime() - startNanos[index]);
            connected.incrementAndGet();
        }
    }

    /**
     * The heap after GC once {@code freed} are collected, or at {@link #FREED_WITHIN}: ice4j's {@code Agent.free()}
     * ends the agent's threads and timers after it returns, and until they end they keep the agent reachable, which
     * made the figure anything from a few bytes to the whole agent.
     */
    private static long heapOnceCollected(List<WeakReference<Agent>> freed) {
        long deadline = System.nanoTime() + FREED_WITHIN.toNanos();
        long heap = IceScale.heapAfterGc();
        while (freed.stream().anyMatch(agent -> agent.get() != null) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(FREED_POLL.toNanos());
            heap = IceScale.heapAfterGc();
        }
        return heap;
    }

    private static void free(Agent[] agents) {
        for (int i = 0; i < agents.length; i++) {
            if (agents[i] != null) {
                agents[i].free();
                agents[i] = null;
            }
        }
    }

    /**
     * A host candidate on 127.0.0.1 with a socket of its own, set up the way ice4j's host harvester sets up each one
     * it finds (a multiplexing socket, registered with the agent's STUN stack and the component's socket).
     */
    private static final class LoopbackHostHarvester implements CandidateHarvester {
        private final HarvestStatistics statistics = new HarvestStatistics();

        @Override
        public Collection<LocalCandidate> harvest(Component component) {
            try {
                IceSocketWrapper socket = new IceUdpSocketWrapper(
                        new MultiplexingDatagramSocket(0, InetAddress.getLoopbackAddress()));
                HostCandidate candidate = new HostCandidate(socket, component, Transport.UDP);
                component.addLocalCandidate(candidate);
                candidate.getStunStack().addSocket(candidate.getStunSocket(null));
                ComponentSocket componentSocket = component.getComponentSocket();
                if (componentSocket != null) {
                    componentSocket.add(socket);
                }
                return List.of(candidate);
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public HarvestStatistics getHarvestStatistics() {
            return statistics;
        }

        @Override
        public boolean isHostHarvester() {
            return true;
        }
    }
}
