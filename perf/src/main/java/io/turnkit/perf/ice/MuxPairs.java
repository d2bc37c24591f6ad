package io.turnkit.perf.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceCredentials;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.driver.CandidateSources;
import io.turnkit.ice.driver.DrivenAgent;
import io.turnkit.ice.driver.IceDriver;
import io.turnkit.ice.driver.IceListener;
import io.turnkit.ice.driver.UdpMux;
import io.turnkit.ice.sdp.CandidateSdp;
import io.turnkit.ice.sdp.IceDescription;

/**
 * N pairs on real loopback sockets: the controlled agents (a media server's sessions) all on one {@link UdpMux}
 * port on one event loop, the controlling agents (its clients) on a second driver's loop, a socket each. All pairs
 * are signalled at once; the time to the selected pair runs from then to the server side's selection.
 */
final class MuxPairs {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long WAIT_SECONDS = 120;

    private final int pairs;
    private final long[] connectNanos;
    private final AtomicInteger connected = new AtomicInteger();

    MuxPairs(int pairs) {
        this.pairs = pairs;
        this.connectNanos = new long[pairs];
    }

    IceScale.Result run() throws Exception {
        try (IceDriver server = IceDriver.create(1); IceDriver clients = IceDriver.create(1);
             UdpMux mux = server.openUdpMux(new InetSocketAddress(LOOPBACK, 0))) {
            CountDownLatch gathered = new CountDownLatch(2 * pairs);
            Endpoint[] served = new Endpoint[pairs];
            Endpoint[] clientSide = new Endpoint[pairs];
            for (int i = 0; i < pairs; i++) {
                IceConfig servedConfig = IceScale.config(IceRole.CONTROLLED, 2L * i + 1);
                served[i] = new Endpoint(i, servedConfig, gathered);
                served[i].agent = mux.start(servedConfig, CandidateSources.HOST, served[i]);
                IceConfig clientConfig = IceScale.config(IceRole.CONTROLLING, 2L * i);
                clientSide[i] = new Endpoint(i, clientConfig, gathered);
                clientSide[i].agent = clients.start(clientConfig, CandidateSources.HOST.withHostAddresses(LOOPBACK),
                        clientSide[i]);
            }
            if (!gathered.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gathering did not complete within " + WAIT_SECONDS + " s");
            }
            long cpuStart = IceScale.processCpuNanos();
            long wallStart = System.nanoTime();
            for (int i = 0; i < pairs; i++) {
                served[i].startNanos = System.nanoTime();
                served[i].agent.addRemoteDescription(clientSide[i].description());
                clientSide[i].agent.addRemoteDescription(served[i].description());
            }
            IceScale.Connecting phase = IceScale.Connecting.await(connected, pairs, cpuStart, wallStart);
            // The server side alone: the heap with every session, less the heap once they are closed.
            long withSessions = IceScale.heapAfterGc();
            for (int i = 0; i < pairs; i++) {
                served[i].agent.close().syncUninterruptibly();
                served[i] = null;
            }
            long perSession = withSessions - IceScale.heapAfterGc();
            for (Endpoint e : clientSide) {
                e.agent.close().syncUninterruptibly();
            }
            return new IceScale.Result(connectNanos, connected.get(), (double) perSession / pairs,
                    "a server agent on the mux, with its DrivenAgent and routes", phase.threads(), phase.cpuNanos(), 0,
                    phase.wallSeconds());
        }
    }

    /** One agent's handle and what it signals, filled in on its event loop. */
    private final class Endpoint implements IceListener {
        private final int index;
        private final IceRole role;
        private final CountDownLatch gathered;
        private final List<String> lines = new ArrayList<>();
        private volatile long startNanos;
        private final IceCredentials credentials;
        private DrivenAgent agent;

        Endpoint(int index, IceConfig config, CountDownLatch gathered) {
            this.index = index;
            this.role = config.role();
            this.credentials = config.credentials();
            this.gathered = gathered;
        }

        @Override
        public void onEvent(IceEvent event) {
            if (event instanceof IceEvent.LocalCandidate c) {
                synchronized (lines) {
                    lines.add(CandidateSdp.formatLine(c.candidate()));
                }
            } else if (event instanceof IceEvent.GatheringComplete) {
                gathered.countDown();
            } else if (event instanceof IceEvent.SelectedPairChanged && role == IceRole.CONTROLLED
                    && connectNanos[index] == 0) {
                connectNanos[index] = Math.max(1, System.nanoTime() - startNanos);
                connected.incrementAndGet();
            }
        }

        @Override
        public void onWarning(String message) {
            System.err.println("warning: " + message);
        }

        IceDescription description() {
            List<String> all = new ArrayList<>();
            all.add("a=ice-ufrag:" + credentials.ufrag());
            all.add("a=ice-pwd:" + credentials.password());
            synchronized (lines) {
                all.addAll(lines);
            }
            all.add("a=end-of-candidates");
            return IceDescription.parse(all);
        }
    }
}
