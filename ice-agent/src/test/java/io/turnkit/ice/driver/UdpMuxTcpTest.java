package io.turnkit.ice.driver;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.stun.TransportProtocol;

/**
 * A media server's two ports on real loopback sockets: many sessions on one UDP mux and its TCP mux, on a TCP port
 * the server chose; clients of UDP alone connect over UDP, clients of ICE-TCP alone (active candidates, as browsers
 * whose UDP is blocked) over the TCP mux, and each session's data reaches its own agent only.
 */
class UdpMuxTcpTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final CandidateSources SERVED = CandidateSources.HOST.withTcp(true);
    private static final CandidateSources UDP_CLIENT = CandidateSources.HOST.withHostAddresses(LOOPBACK);
    private static final CandidateSources TCP_CLIENT = UDP_CLIENT.withTcp(true);
    private static final int SESSIONS = 20;

    private final IceDriver driver = IceDriver.create(1);
    private final IceDriver clients = IceDriver.create(1);
    private final UdpMux mux = driver.openUdpMux(new InetSocketAddress(LOOPBACK, 0));
    private final List<IceSession> sessions = new ArrayList<>();

    @AfterEach
    void close() {
        sessions.forEach(IceSession::close);
        mux.close();
        driver.close();
        clients.close();
    }

    @Test
    void shouldServeUdpAndTcpClientsOnOneUdpPortAndOneChosenTcpPort() throws Exception {
        connectAndExchange(SESSIONS, () -> IceConfig.builder().role(IceRole.CONTROLLED).build());
    }

    /** ICE-lite sessions (RFC 8445 §2.5), which only answer checks: on TCP, on the connections clients open. */
    @Test
    void shouldServeIceLiteSessionsOverBothPorts() throws Exception {
        connectAndExchange(4, () -> IceConfig.builder().role(IceRole.CONTROLLED).lite(true).build());
    }

    /**
     * {@code count} sessions on the two muxes, their clients alternately of UDP alone and of ICE-TCP alone, all
     * checking at once: each connects on its own transport to the one port of it, and each session's data reaches
     * its own agent only.
     */
    private void connectAndExchange(int count, Supplier<IceConfig> servedConfig) throws Exception {
        int chosenPort = freeTcpPort();
        TcpMux tcpMux = mux.openTcpMux(new InetSocketAddress(LOOPBACK, chosenPort));
        assertEquals(new InetSocketAddress(LOOPBACK, chosenPort), tcpMux.localAddress());
        assertSame(mux.eventLoop(), tcpMux.eventLoop(), "frames would change threads on their way to the agents");
        String udpCandidate = " " + LOOPBACK.getHostAddress() + " " + mux.localAddress().getPort() + " typ host";
        String tcpCandidate = " " + LOOPBACK.getHostAddress() + " " + chosenPort + " typ host tcptype passive";

        List<IceSession> served = new ArrayList<>();
        List<IceSession> peers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            served.add(open(IceSession.open(mux, servedConfig.get(), SERVED, line -> { })));
            IceConfig client = IceConfig.builder().role(IceRole.CONTROLLING).build();
            peers.add(open(IceSession.open(clients, client, overTcp(i) ? TCP_CLIENT : UDP_CLIENT, line -> { })));
        }
        for (int i = 0; i < count; i++) {
            List<String> servedLines = served.get(i).localDescription(WAIT);
            assertTrue(servedLines.stream().anyMatch(l -> l.endsWith(udpCandidate)), servedLines::toString);
            assertTrue(servedLines.stream().anyMatch(l -> l.endsWith(tcpCandidate)), servedLines::toString);
            assertEquals(2, servedLines.stream().filter(l -> l.startsWith("a=candidate:")).count(),
                    () -> "one port of each transport, no other: " + servedLines);
            List<String> clientLines = peers.get(i).localDescription(WAIT);
            if (overTcp(i)) {
                // UDP blocked: neither side learns the other's UDP candidates; the client's TCP one is active.
                served.get(i).addRemoteDescription(only(clientLines, " tcptype active"));
                peers.get(i).addRemoteDescription(only(servedLines, " tcptype passive"));
            } else {
                served.get(i).addRemoteDescription(clientLines);
                peers.get(i).addRemoteDescription(servedLines);
            }
        }
        for (int i = 0; i < count; i++) {
            IceEvent.SelectedPairChanged atServer = served.get(i).awaitSelected(WAIT);
            IceEvent.SelectedPairChanged atClient = peers.get(i).awaitSelected(WAIT);
            TransportProtocol transport = overTcp(i) ? TransportProtocol.TCP : TransportProtocol.UDP;
            InetSocketAddress port = overTcp(i) ? tcpMux.localAddress() : mux.localAddress();
            assertEquals(transport, atServer.local().transport(), "session " + i);
            assertEquals(port, atServer.local().address(), "session " + i);
            assertEquals(port, atClient.remote().address(), "session " + i);
            peers.get(i).send(("to " + i).getBytes(UTF_8));
            served.get(i).send(("from " + i).getBytes(UTF_8));
        }
        for (int i = 0; i < count; i++) {
            assertArrayEquals(("to " + i).getBytes(UTF_8), receive(served.get(i)), "session " + i);
            assertArrayEquals(("from " + i).getBytes(UTF_8), receive(peers.get(i)), "session " + i);
        }
        for (int i = 0; i < count; i++) {
            assertNull(served.get(i).receive(Duration.ZERO), "session " + i + " got another's data");
        }
        long refused = mux.eventLoop().submit(() -> tcpMux.dropped(MuxDropReason.UNKNOWN_UFRAG)
                + tcpMux.dropped(MuxDropReason.UNKNOWN_SENDER) + tcpMux.dropped(MuxDropReason.CONNECTION_LIMIT))
                .get();
        assertEquals(0, refused, "every client's connection reached its agent");
    }

    @Test
    void shouldGiveAClearErrorForATcpPortInUse() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, LOOPBACK)) {
            InetSocketAddress taken = (InetSocketAddress) holder.getLocalSocketAddress();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> mux.openTcpMux(taken));
            assertTrue(e.getMessage().startsWith("cannot bind a TCP mux on " + taken + ": "), e.getMessage());
            assertNull(mux.tcpMux(), "a failed bind leaves no TCP mux behind");
        }
        assertThrows(IllegalArgumentException.class, () -> mux.openTcpMux(new InetSocketAddress(0)));
        TcpMux tcpMux = mux.openTcpMux(new InetSocketAddress(LOOPBACK, 0));
        assertSame(tcpMux, mux.tcpMux());
        assertThrows(IllegalStateException.class, () -> mux.openTcpMux(new InetSocketAddress(LOOPBACK, 0)));
    }

    @Test
    void shouldRefuseTcpCandidatesWithoutATcpMuxAndSimultaneousOpenOnes() {
        IceConfig config = IceConfig.builder().role(IceRole.CONTROLLED).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mux.start(config, SERVED, event -> { }));
        assertTrue(e.getMessage().contains("UdpMux.openTcpMux"), e.getMessage());
        mux.openTcpMux(new InetSocketAddress(LOOPBACK, 0));
        assertThrows(IllegalArgumentException.class,
                () -> mux.start(config, SERVED.withTcpSimultaneousOpen(true), event -> { }));
    }

    private static boolean overTcp(int session) {
        return session % 2 == 1;
    }

    /** The description's lines with only the candidates that end with {@code suffix}. */
    private static List<String> only(List<String> lines, String suffix) {
        List<String> kept = lines.stream().filter(l -> !l.startsWith("a=candidate:") || l.endsWith(suffix)).toList();
        assertEquals(1, kept.stream().filter(l -> l.startsWith("a=candidate:")).count(), lines::toString);
        return kept;
    }

    /** A TCP port free on loopback now, as an operator would pick one. */
    private static int freeTcpPort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            return probe.getLocalPort();
        }
    }

    private IceSession open(IceSession session) {
        sessions.add(session);
        return session;
    }

    private static byte[] receive(IceSession session) throws InterruptedException {
        byte[] data = session.receive(WAIT);
        assertNotNull(data, "no datagram within " + WAIT);
        return data;
    }
}
