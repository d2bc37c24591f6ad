package io.turnkit.perf.ice;

import java.time.Duration;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.agent.LocalSocket;
import io.turnkit.ice.agent.Transmit;
import io.turnkit.ice.sim.Host;
import io.turnkit.ice.sim.SimulatedClock;
import io.turnkit.ice.sim.VirtualNetwork;
import io.turnkit.ice.sim.VirtualUdpSocket;

/**
 * N pairs of agents on two public hosts of the NAT simulator, one socket per agent, all started at once on the
 * simulated clock, candidates signalled to the peer as they come. One thread runs everything, so its CPU time is the
 * cost of the agents plus the simulator's.
 */
final class SimulatedPairs {
    /** Binding requests (RFC 8489 §5: method 0x001, class request) are the checks, counted as they are sent. */
    private static final int BINDING_REQUEST = 0x0001;
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration IDLE = Duration.ofSeconds(10);

    private final int pairs;
    private final SimulatedClock clock = new SimulatedClock();
    private final VirtualNetwork network = new VirtualNetwork(clock, new Random(42));
    private final long[] connectNanos;
    private long startNanos;
    private int connected;
    private long checks;

    SimulatedPairs(int pairs) {
        this.pairs = pairs;
        this.connectNanos = new long[pairs];
    }

    IceScale.Result run() {
        long heapBefore = IceScale.heapAfterGc();
        long wallStart = System.nanoTime();
        long cpuStart = IceScale.processCpuNanos();
        Host left = network.internet().addHost("left", "198.51.100.1");
        Host right = network.internet().addHost("right", "198.51.100.2");
        Side[] controlling = new Side[pairs];
        Side[] controlled = new Side[pairs];
        for (int i = 0; i < pairs; i++) {
            controlling[i] = new Side(i, IceAgent.create(IceScale.config(IceRole.CONTROLLING, 2L * i)),
                    left.bind(10_000 + i));
            controlled[i] = new Side(i, IceAgent.create(IceScale.config(IceRole.CONTROLLED, 2L * i + 1)),
                    right.bind(10_000 + i));
            controlling[i].peer = controlled[i];
            controlled[i].peer = controlling[i];
        }
        startNanos = clock.now();
        for (int i = 0; i < pairs; i++) {
            controlling[i].start(startNanos);
            controlled[i].start(startNanos);
        }
        long limit = startNanos + LIMIT.toNanos();
        while (connected < pairs && clock.now() < limit) {
            clock.advance(Duration.ofMillis(10));
        }
        long cpu = IceScale.processCpuNanos() - cpuStart;
        double wall = (System.nanoTime() - wallStart) / 1e9;
        long checksToConnect = checks;
        int threads = IceScale.threads();
        clock.advance(IDLE);
        // Both agents of every pair, their sockets and the simulator's share, per pair.
        double perPair = (double) (IceScale.heapAfterGc() - heapBefore) / pairs;
        return new IceScale.Result(connectNanos, connected, perPair, "a pair of agents with their simulated sockets",
                threads, cpu, checksToConnect, wall);
    }

    /** One agent, its simulated socket and its timer on the simulated clock. */
    private final class Side {
        private final int index;
        private final IceAgent agent;
        private final VirtualUdpSocket socket;
        private Side peer;
        private SimulatedClock.ScheduledEvent timer;
        private long timerAt = Long.MAX_VALUE;

        Side(int index, IceAgent agent, VirtualUdpSocket socket) {
            this.index = index;
            this.agent = agent;
            this.socket = socket;
        }

        void start(long now) {
            socket.onReceive((s, from, bytes, at) -> {
                ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                agent.handleDatagram(0, from, buf, at);
                buf.release();
                pump(at);
            });
            agent.addLocalSocket(LocalSocket.host(0, socket.localAddress(), 1), now);
            agent.endOfLocalSockets();
            peer.agent.setRemoteCredentials(agent.localCredentials().ufrag(), agent.localCredentials().password(),
                    now);
            pump(now);
        }

        void pump(long now) {
            for (Transmit t = agent.pollTransmit(); t != null; t = agent.pollTransmit()) {
                ByteBuf content = t.content();
                if (content.readableBytes() >= 2 && content.getUnsignedShort(content.readerIndex()) == BINDING_REQUEST) {
                    checks++;
                }
                socket.send(t.destination(), ByteBufUtil.getBytes(content));
                content.release();
            }
            for (IceEvent e = agent.pollEvent(); e != null; e = agent.pollEvent()) {
                if (e instanceof IceEvent.LocalCandidate c) {
                    peer.agent.addRemoteCandidate(c.candidate(), now);
                    peer.pump(now);
                } else if (e instanceof IceEvent.GatheringComplete) {
                    peer.agent.endOfRemoteCandidates(now);
                    peer.pump(now);
                } else if (e instanceof IceEvent.SelectedPairChanged && agent.role() == IceRole.CONTROLLING
                        && connectNanos[index] == 0) {
                    connectNanos[index] = Math.max(1, now - startNanos);
                    connected++;
                }
            }
            long deadline = agent.pollTimeout();
            if (deadline == timerAt && timer != null) {
                return;
            }
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            timerAt = deadline;
            if (deadline != Long.MAX_VALUE) {
                long delay = deadline == Long.MIN_VALUE ? 0 : Math.max(0, deadline - now);
                timer = clock.schedule(delay, () -> {
                    timer = null;
                    timerAt = Long.MAX_VALUE;
                    agent.handleTimeout(clock.now());
                    pump(clock.now());
                });
            }
        }
    }
}
