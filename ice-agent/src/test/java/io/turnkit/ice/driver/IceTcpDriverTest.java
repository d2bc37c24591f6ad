package io.turnkit.ice.driver;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.agent.DropReason;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * ICE-TCP (RFC 6544) on real loopback sockets: two agents of one driver connect over TCP only (their UDP candidates
 * are never signalled, as if UDP were blocked), both passive candidates on the driver's one shared TCP port; and
 * that port refuses what is not a check for one of its agents.
 */
class IceTcpDriverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final CandidateSources LOOPBACK_TCP =
            CandidateSources.HOST.withHostAddresses(LOOPBACK).withTcp(true);

    /** Two loops, so that the TCP mux's loop is not simply the only one. */
    private final IceDriver driver = IceDriver.create(2);

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldConnectTwoAgentsOverTcpOnlyThroughOneSharedPassivePort() throws Exception {
        try (IceSession controlling = session(IceRole.CONTROLLING);
             IceSession controlled = session(IceRole.CONTROLLED)) {
            List<String> controllingLines = tcpOnly(controlling.localDescription(WAIT));
            List<String> controlledLines = tcpOnly(controlled.localDescription(WAIT));
            int port = driver.tcpMux(LOOPBACK).localAddress().getPort();
            assertTrue(controllingLines.stream().anyMatch(l -> l.contains(" " + port + " typ host tcptype passive")),
                    controllingLines::toString);
            assertTrue(controlledLines.stream().anyMatch(l -> l.contains(" " + port + " typ host tcptype passive")),
                    controlledLines::toString);
            assertTrue(controllingLines.stream().anyMatch(l -> l.contains(" 9 typ host tcptype active")));

            controlling.addRemoteDescription(controlledLines);
            controlled.addRemoteDescription(controllingLines);
            IceEvent.SelectedPairChanged atControlling = controlling.awaitSelected(WAIT);
            IceEvent.SelectedPairChanged atControlled = controlled.awaitSelected(WAIT);

            assertEquals(TransportProtocol.TCP, atControlling.local().transport());
            assertEquals(TransportProtocol.TCP, atControlled.local().transport());
            byte[] hello = "hello over ICE-TCP".getBytes(UTF_8);
            byte[] big = new byte[60_000]; // one RFC 4571 frame, which TCP may cut anywhere
            Arrays.fill(big, (byte) 0x80); // RFC 7983: a first byte of 128 to 191 is RTP, not STUN
            big[59_999] = 7;
            controlling.send(hello);
            assertArrayEquals(hello, receive(controlled));
            controlled.send(big);
            assertArrayEquals(big, receive(controlling));
        }
    }

    @Test
    void shouldConnectTwoAgentsThroughSimultaneousOpenCandidates() throws Exception {
        CandidateSources sources = LOOPBACK_TCP.withTcpSimultaneousOpen(true);
        try (IceSession controlling = IceSession.open(driver, IceConfig.builder().role(IceRole.CONTROLLING).build(),
                sources, line -> { });
             IceSession controlled = IceSession.open(driver, IceConfig.builder().role(IceRole.CONTROLLED).build(),
                sources, line -> { })) {
            // Only the simultaneous-open candidates are signalled: both sides connect to each other's port at once.
            List<String> controllingLines = simultaneousOpenOnly(controlling.localDescription(WAIT));
            List<String> controlledLines = simultaneousOpenOnly(controlled.localDescription(WAIT));
            controlling.addRemoteDescription(controlledLines);
            controlled.addRemoteDescription(controllingLines);
            IceEvent.SelectedPairChanged atControlling = controlling.awaitSelected(WAIT);
            IceEvent.SelectedPairChanged atControlled = controlled.awaitSelected(WAIT);

            assertEquals("so", atControlling.local().tcpType());
            assertEquals("so", atControlled.local().tcpType());
            // One connection between the two signalled ports: each side's remote is the other's candidate.
            assertEquals(atControlled.local().address(), atControlling.remote().address());
            assertEquals(atControlling.local().address(), atControlled.remote().address());
            byte[] hello = "hello over a simultaneous open".getBytes(UTF_8);
            controlling.send(hello);
            assertArrayEquals(hello, receive(controlled));
            controlled.send(hello);
            assertArrayEquals(hello, receive(controlling));
        }
    }

    private static List<String> simultaneousOpenOnly(List<String> lines) {
        List<String> so = lines.stream().filter(l -> !l.startsWith("a=candidate:") || l.endsWith(" tcptype so"))
                .toList();
        assertEquals(1, so.stream().filter(l -> l.startsWith("a=candidate:")).count(), lines::toString);
        return so;
    }

    @Test
    void shouldCloseAConnectionWhoseFirstCheckNamesNoAgentAndCountIt() throws Exception {
        try (IceSession agent = session(IceRole.CONTROLLED)) {
            agent.localDescription(WAIT);
            TcpMux mux = driver.tcpMux(LOOPBACK);

            assertClosedAfter(mux, frame(bindingRequest("nobody:peer")));
            assertEquals(1L, (long) onLoop(mux, () -> mux.dropped(MuxDropReason.UNKNOWN_UFRAG)));

            assertClosedAfter(mux, frame("GET / HTTP/1.1\r\n\r\n".getBytes(UTF_8)));
            assertEquals(1L, (long) onLoop(mux, () -> mux.dropped(MuxDropReason.UNKNOWN_SENDER)));
            assertTrue(poll(() -> onLoopUnchecked(mux, mux::pending) == 0));
        }
    }

    @Test
    void shouldBoundTheConnectionsWaitingForTheirFirstCheck() throws Exception {
        try (IceSession agent = session(IceRole.CONTROLLED)) {
            agent.localDescription(WAIT);
            TcpMux mux = driver.tcpMux(LOOPBACK);
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < TcpMux.MAX_PENDING; i++) {
                    silent.add(new Socket(LOOPBACK, mux.localAddress().getPort()));
                }
                assertTrue(poll(() -> onLoopUnchecked(mux, mux::pending) == TcpMux.MAX_PENDING));

                assertClosedAfter(mux, new byte[0]);
                assertEquals(1L, (long) onLoop(mux, () -> mux.dropped(MuxDropReason.PENDING_LIMIT)));
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
            assertTrue(poll(() -> onLoopUnchecked(mux, mux::pending) == 0), "closed ones are no longer pending");
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsNoCheckInTimeAndCountIt() throws Exception {
        try (IceSession agent = session(IceRole.CONTROLLED)) {
            agent.localDescription(WAIT);
            TcpMux mux = driver.tcpMux(LOOPBACK);
            Duration timeout = Duration.ofMillis(300);
            onLoop(mux, () -> {
                mux.firstCheckTimeout(timeout);
                return null;
            });

            long start = System.nanoTime();
            assertClosedAfter(mux, new byte[0]); // connects and says nothing
            long waited = System.nanoTime() - start;

            assertTrue(waited >= timeout.toNanos(), "closed after " + waited + " ns, before the timeout");
            assertEquals(1L, (long) onLoop(mux, () -> mux.dropped(MuxDropReason.NO_CHECK_IN_TIME)));
            assertEquals(0, (int) onLoop(mux, mux::pending), "no longer waiting for its check");
        }
    }

    @Test
    void shouldBoundTheConnectionsOneAgentKeeps() throws Exception {
        try (IceSession agent = session(IceRole.CONTROLLED)) {
            String ufrag = agent.localDescription(WAIT).get(0).substring("a=ice-ufrag:".length());
            TcpMux mux = driver.tcpMux(LOOPBACK);
            List<Socket> routed = new ArrayList<>();
            try {
                // Checks that name the agent but carry nothing else: each connection is the agent's, each check 400.
                for (int i = 0; i < TcpMux.MAX_CONNECTIONS_PER_AGENT; i++) {
                    Socket socket = new Socket(LOOPBACK, mux.localAddress().getPort());
                    routed.add(socket);
                    socket.getOutputStream().write(frame(bindingRequest(ufrag + ":peer")));
                }
                assertTrue(poll(() -> badRequests(agent) == TcpMux.MAX_CONNECTIONS_PER_AGENT),
                        "each connection's check reached the agent");

                assertClosedAfter(mux, frame(bindingRequest(ufrag + ":peer")));
                assertEquals(1L, (long) onLoop(mux, () -> mux.dropped(MuxDropReason.CONNECTION_LIMIT)));
            } finally {
                for (Socket s : routed) {
                    s.close();
                }
            }
        }
    }

    /** The checks the agent answered 400: those without MESSAGE-INTEGRITY, PRIORITY or FINGERPRINT. */
    private static long badRequests(IceSession session) {
        CompletableFuture<Long> count = new CompletableFuture<>();
        session.agent().execute(a -> count.complete(a.dropped(DropReason.BAD_REQUEST)));
        return count.join();
    }

    /** Connects to the mux, sends {@code bytes}, and expects the mux to close the connection. */
    private static void assertClosedAfter(TcpMux mux, byte[] bytes) throws Exception {
        try (Socket socket = new Socket(LOOPBACK, mux.localAddress().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            try {
                assertEquals(-1, in.read(), "the mux closes the connection");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the mux kept the connection open", e);
            } catch (SocketException reset) {
                // closed with a reset: closed all the same
            }
        }
    }

    private static byte[] bindingRequest(String username) {
        ByteBuf out = Unpooled.buffer();
        new StunMessageEncoder().wrap(out)
                .header(StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST), 1L, 2)
                .addString(StunAttributeType.USERNAME, username)
                .finish();
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] frame(byte[] payload) {
        byte[] framed = new byte[payload.length + 2];
        framed[0] = (byte) (payload.length >> 8);
        framed[1] = (byte) payload.length;
        System.arraycopy(payload, 0, framed, 2, payload.length);
        return framed;
    }

    private static List<String> tcpOnly(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("a=candidate:") || l.toLowerCase().contains(" tcp ")).toList();
    }

    private IceSession session(IceRole role) throws Exception {
        return IceSession.open(driver, IceConfig.builder().role(role).build(), LOOPBACK_TCP, line -> { });
    }

    private static byte[] receive(IceSession session) throws InterruptedException {
        byte[] data = session.receive(WAIT);
        assertNotNull(data, "no datagram within " + WAIT);
        return data;
    }

    private static <T> T onLoop(TcpMux mux, Callable<T> task) throws Exception {
        return mux.eventLoop().submit(task).get();
    }

    private static <T> T onLoopUnchecked(TcpMux mux, Callable<T> task) {
        try {
            return onLoop(mux, task);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean poll(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return condition.getAsBoolean();
    }
}
