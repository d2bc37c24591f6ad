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
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.stun.TransportProtocol;

/**
 * Many agents on one UDP port, on real loopback sockets: routing by ufrag, then by address; strangers dropped. And a
 * media server's two ports: the sessions on the UDP mux and its TCP mux, on a TCP port the server chose; clients of
 * UDP alone connect over UDP, clients of ICE-TCP alone (active candidates, as browsers whose UDP is blocked) over
 * the TCP mux.
 */
class UdpMuxTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final CandidateSources LOOPBACK_HOST = CandidateSources.HOST.withHostAddresses(LOOPBACK);
    private static final int SESSIONS = 200;
    /** A session on the mux with a passive ICE-TCP candidate on the mux's TCP port too. */
    private static final CandidateSources SERVED_TCP = CandidateSources.HOST.withTcp(true);
    private static final CandidateSources LOOPBACK_TCP = LOOPBACK_HOST.withTcp(true);
    /** Sessions on one UDP port and one TCP port, their clients alternately of UDP alone and of ICE-TCP alone. */
    private static final int TCP_AND_UDP_SESSIONS = 20;

    private final IceDriver driver = IceDriver.create(1);
    private final IceDriver peers = IceDriver.create(1);
    private final UdpMux mux = driver.openUdpMux(new InetSocketAddress(LOOPBACK, 0));
    private final List<IceSession> sessions = new ArrayList<>();

    @AfterEach
    void close() {
        sessions.forEach(IceSession::close);
        mux.close();
        driver.close();
        peers.close();
    }

    @Test
    void shouldRouteEachSessionsChecksAndDataToItsOwnAgentOnOnePort() throws Exception {
        connectAndExchange(SESSIONS, () -> config(IceRole.CONTROLLED));
    }

    /** A media server's usual sessions: ICE-lite, which only answers checks (RFC 8445 §2.5). */
    @Test
    void shouldServeIceLiteSessions() throws Exception {
        connectAndExchange(20, () -> IceConfig.builder().role(IceRole.CONTROLLED).lite(true).build());
    }

    /**
     * {@code count} sessions on the mux (each config with credentials of its own), each with a client on a socket of its own, all checking at once; each
     * session's data reaches its own agent only, and closing them empties the mux's table.
     */
    private void connectAndExchange(int count, Supplier<IceConfig> servedConfig) throws Exception {
        List<IceSession> served = new ArrayList<>();
        List<IceSession> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            served.add(open(IceSession.open(mux, servedConfig.get(), CandidateSources.HOST, line -> { })));
            clients.add(open(IceSession.open(peers, config(IceRole.CONTROLLING), LOOPBACK_HOST, line -> { })));
        }
        // All checks at once, so that the mux sees the sessions' checks and data interleaved.
        for (int i = 0; i < count; i++) {
            List<String> servedLines = served.get(i).localDescription(WAIT);
            String hostCandidate = " " + LOOPBACK.getHostAddress() + " " + mux.localAddress().getPort() + " typ host";
            assertTrue(servedLines.stream().anyMatch(l -> l.endsWith(hostCandidate)), servedLines::toString);
            served.get(i).addRemoteDescription(clients.get(i).localDescription(WAIT));
            clients.get(i).addRemoteDescription(servedLines);
        }
        for (int i = 0; i < count; i++) {
            IceEvent.SelectedPairChanged pair = served.get(i).awaitSelected(WAIT);
            assertEquals(mux.localAddress(), pair.local().address());
            assertEquals(mux.localAddress(), clients.get(i).awaitSelected(WAIT).remote().address());
            clients.get(i).send(("to " + i).getBytes(UTF_8));
            served.get(i).send(("from " + i).getBytes(UTF_8));
        }
        for (int i = 0; i < count; i++) {
            assertArrayEquals(("to " + i).getBytes(UTF_8), receive(served.get(i)));
            assertArrayEquals(("from " + i).getBytes(UTF_8), receive(clients.get(i)));
        }
        for (int i = 0; i < count; i++) {
            assertNull(served.get(i).receive(Duration.ZERO), "session " + i + " got another's data");
        }
        assertEquals(count, onLoop(mux::ufragCount));

        for (IceSession s : served) {
            s.close();
        }
        assertEquals(0, onLoop(mux::ufragCount));
        assertEquals(0, onLoop(mux::addressCount));
    }

    @Test
    void shouldRouteBothUfragsDuringARestart() throws Exception {
        IceSession served = open(IceSession.open(mux, config(IceRole.CONTROLLED), CandidateSources.HOST, l -> { }));
        served.localDescription(WAIT);
        assertEquals(1, onLoop(mux::ufragCount));
        served.agent().execute(a -> a.restart(System.nanoTime()));
        assertTrue(poll(() -> onLoopUnchecked(mux::ufragCount) == 2), "the new ufrag is not routed");
        served.close();
        assertEquals(0, onLoop(mux::ufragCount));
    }

    /** A second agent with the same credentials would take the first one's checks: it gets no host candidate. */
    @Test
    void shouldNotLetASecondAgentTakeAUfragInUse() throws Exception {
        IceConfig config = config(IceRole.CONTROLLED);
        IceSession first = open(IceSession.open(mux, config, CandidateSources.HOST, l -> { }));
        first.localDescription(WAIT);
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        IceSession second = open(IceSession.open(mux, config, CandidateSources.HOST, warnings::add));
        List<String> secondLines = second.localDescription(WAIT);
        assertTrue(secondLines.stream().noneMatch(l -> l.startsWith("a=candidate:")), secondLines::toString);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("has the ufrag " + config.credentials().ufrag())),
                warnings::toString);
        assertEquals(1, onLoop(mux::ufragCount));
        second.close();
        assertEquals(1, onLoop(mux::ufragCount), "closing the second agent unrouted the first");
    }

    @Test
    void shouldRefuseAnAgentOfTwoComponents() {
        assertThrows(IllegalArgumentException.class, () -> mux.start(IceConfig.builder().components(2).build(),
                CandidateSources.HOST, event -> { }));
    }

    @Test
    void shouldRefuseAStunServerAndTheWildcardAddress() {
        CandidateSources withStun = CandidateSources.HOST.withStunServer(new InetSocketAddress(LOOPBACK, 3478));
        assertThrows(IllegalArgumentException.class, () -> mux.start(config(IceRole.CONTROLLED), withStun,
                event -> { }));
        assertThrows(IllegalArgumentException.class, () -> driver.openUdpMux(new InetSocketAddress(0)));
    }

    /** Unknown senders, data and checks with unknown ufrags, make no state: the tables stay as they are. */
    @Test
    void shouldDropAFloodOfUnknownSendersWithoutGrowingItsTables() throws Exception {
        IceSession served = open(IceSession.open(mux, config(IceRole.CONTROLLED), CandidateSources.HOST, l -> { }));
        served.localDescription(WAIT);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = heapAfterGc(memory);
        Random random = new Random(17);
        int perSocket = 100;
        int sockets = 500;
        long sent = 0;
        for (int s = 0; s < sockets; s++) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                for (int i = 0; i < perSocket; i++) {
                    byte[] datagram = i % 2 == 0 ? bindingRequest(randomUfrag(random) + ":peer", random)
                            : randomBytes(random);
                    socket.send(new DatagramPacket(datagram, datagram.length, mux.localAddress()));
                    sent++;
                }
            }
            // Paced, so that the socket buffer keeps up and nearly every datagram is counted.
            long expected = sent;
            poll(() -> dropped() >= expected);
        }
        long dropped = dropped();
        assertTrue(dropped > sent * 9 / 10, () -> dropped + " of " + (sockets * perSocket) + " counted");
        assertTrue(onLoop(() -> mux.dropped(MuxDropReason.UNKNOWN_UFRAG)) > 0);
        assertTrue(onLoop(() -> mux.dropped(MuxDropReason.UNKNOWN_SENDER)) > 0);
        assertEquals(1, onLoop(mux::ufragCount));
        assertEquals(0, onLoop(mux::addressCount));
        long growth = heapAfterGc(memory) - heapBefore;
        assertTrue(growth < 16 << 20, () -> "heap grew by " + growth + " bytes");
    }

    /**
     * Sessions on the two muxes, their clients alternately of UDP alone and of ICE-TCP alone, every other pair of them
     * ICE-lite (RFC 8445 §2.5: it only answers checks, on TCP on the connections clients open), all checking at once:
     * each connects on its own transport to the one port of it, and each session's data reaches its own agent only.
     */
    @Test
    void shouldServeUdpAndTcpClientsOnOneUdpPortAndOneChosenTcpPort() throws Exception {
        int count = TCP_AND_UDP_SESSIONS;
        int chosenPort = freeTcpPort();
        TcpMux tcpMux = mux.openTcpMux(new InetSocketAddress(LOOPBACK, chosenPort));
        assertEquals(new InetSocketAddress(LOOPBACK, chosenPort), tcpMux.localAddress());
        assertSame(mux.eventLoop(), tcpMux.eventLoop(), "frames would change threads on their way to the agents");
        String udpCandidate = " " + LOOPBACK.getHostAddress() + " " + mux.localAddress().getPort() + " typ host";
        String tcpCandidate = " " + LOOPBACK.getHostAddress() + " " + chosenPort + " typ host tcptype passive";

        List<IceSession> served = new ArrayList<>();
        List<IceSession> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            IceConfig servedConfig = IceConfig.builder().role(IceRole.CONTROLLED).lite(i % 4 >= 2).build();
            served.add(open(IceSession.open(mux, servedConfig, SERVED_TCP, line -> { })));
            CandidateSources client = overTcp(i) ? LOOPBACK_TCP : LOOPBACK_HOST;
            clients.add(open(IceSession.open(peers, config(IceRole.CONTROLLING), client, line -> { })));
        }
        for (int i = 0; i < count; i++) {
            List<String> servedLines = served.get(i).localDescription(WAIT);
            assertTrue(servedLines.stream().anyMatch(l -> l.endsWith(udpCandidate)), servedLines::toString);
            assertTrue(servedLines.stream().anyMatch(l -> l.endsWith(tcpCandidate)), servedLines::toString);
            assertEquals(2, servedLines.stream().filter(l -> l.startsWith("a=candidate:")).count(),
                    () -> "one port of each transport, no other: " + servedLines);
            List<String> clientLines = clients.get(i).localDescription(WAIT);
            if (overTcp(i)) {
                // UDP blocked: neither side learns the other's UDP candidates; the client's TCP one is active.
                served.get(i).addRemoteDescription(only(clientLines, " tcptype active"));
                clients.get(i).addRemoteDescription(only(servedLines, " tcptype passive"));
            } else {
                served.get(i).addRemoteDescription(clientLines);
                clients.get(i).addRemoteDescription(servedLines);
            }
        }
        for (int i = 0; i < count; i++) {
            IceEvent.SelectedPairChanged atServer = served.get(i).awaitSelected(WAIT);
            IceEvent.SelectedPairChanged atClient = clients.get(i).awaitSelected(WAIT);
            TransportProtocol transport = overTcp(i) ? TransportProtocol.TCP : TransportProtocol.UDP;
            InetSocketAddress port = overTcp(i) ? tcpMux.localAddress() : mux.localAddress();
            assertEquals(transport, atServer.local().transport(), "session " + i);
            assertEquals(port, atServer.local().address(), "session " + i);
            assertEquals(port, atClient.remote().address(), "session " + i);
            clients.get(i).send(("to " + i).getBytes(UTF_8));
            served.get(i).send(("from " + i).getBytes(UTF_8));
        }
        for (int i = 0; i < count; i++) {
            assertArrayEquals(("to " + i).getBytes(UTF_8), receive(served.get(i)), "session " + i);
            assertArrayEquals(("from " + i).getBytes(UTF_8), receive(clients.get(i)), "session " + i);
        }
        for (int i = 0; i < count; i++) {
            assertNull(served.get(i).receive(Duration.ZERO), "session " + i + " got another's data");
        }
        long refused = onLoop(() -> tcpMux.dropped(MuxDropReason.UNKNOWN_UFRAG)
                + tcpMux.dropped(MuxDropReason.UNKNOWN_SENDER) + tcpMux.dropped(MuxDropReason.CONNECTION_LIMIT));
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mux.start(config(IceRole.CONTROLLED), SERVED_TCP, event -> { }));
        assertTrue(e.getMessage().contains("UdpMux.openTcpMux"), e.getMessage());
        mux.openTcpMux(new InetSocketAddress(LOOPBACK, 0));
        assertThrows(IllegalArgumentException.class,
                () -> mux.start(config(IceRole.CONTROLLED), SERVED_TCP.withTcpSimultaneousOpen(true), event -> { }));
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

    private static IceConfig config(IceRole role) {
        return IceConfig.builder().role(role).build();
    }

    private long dropped() {
        return onLoopUnchecked(() -> mux.dropped(MuxDropReason.UNKNOWN_SENDER) + mux.dropped(MuxDropReason.UNKNOWN_UFRAG));
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return mux.eventLoop().submit(task).get();
    }

    private <T> T onLoopUnchecked(Callable<T> task) {
        try {
            return onLoop(task);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean poll(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return condition.getAsBoolean();
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static byte[] receive(IceSession session) throws InterruptedException {
        byte[] data = session.receive(WAIT);
        assertNotNull(data, "no datagram within " + WAIT);
        return data;
    }

    private static String randomUfrag(Random random) {
        StringBuilder ufrag = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            ufrag.append((char) ('a' + random.nextInt(26)));
        }
        return ufrag.toString();
    }

    private static byte[] randomBytes(Random random) {
        byte[] data = new byte[1 + random.nextInt(200)];
        random.nextBytes(data);
        return data;
    }

    /** A Binding request (RFC 8489 §5) with only a USERNAME: enough for the mux, which reads nothing else. */
    private static byte[] bindingRequest(String username, Random random) {
        byte[] name = username.getBytes(UTF_8);
        int padded = (name.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(20 + 4 + padded);
        b.putShort((short) 0x0001).putShort((short) (4 + padded)).putInt(0x2112A442);
        byte[] transaction = new byte[12];
        random.nextBytes(transaction);
        b.put(transaction).putShort((short) 0x0006).putShort((short) name.length).put(name);
        return b.array();
    }
}
