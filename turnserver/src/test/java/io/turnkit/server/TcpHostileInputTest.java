package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.stun.StunMethod;

/** TCP clients that send garbage, stall mid-frame or open too many connections lose only themselves. */
class TcpHostileInputTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int IDLE_SECONDS = 1;

    @TempDir
    Path temp;

    private TurnServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() {
        int base = RelayPorts.randomBase();
        ServerConfig config = ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(LOOPBACK)
                .listeningPort(0).tlsListeningPort(0)
                .noUdp(true))
                .auth(au -> au.realm("turnkit.test").user("alice", "wonderland").userdb(temp.resolve("userdb")))
                .relay(rl -> rl.minPort(base).maxPort(base + RelayPorts.SIZE - 1))
                .limits(lm -> lm.maxTcpConnections(3).tcpIdleTimeout(Duration.ofSeconds(IDLE_SECONDS)))
                .build();
        server = TurnServer.start(config);
        address = server.listeningAddresses(false).get(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Reads until the server closes the connection; fails (by timeout) if it does not. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        int read = 0;
        for (int i = 0; i < 100 && read >= 0; i++) {
            read = in.read(buffer);
        }
        assertEquals(-1, read, "the server closed the connection");
    }

    private void assertStillServes() throws IOException {
        try (TestTurnClient client = TestTurnClient.tcp(address, "alice", "wonderland")) {
            assertTrue(client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)).isSuccess());
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsGarbage() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(new byte[] {(byte) 0xFF, 0x00, 0x13, 0x37, 1, 2, 3, 4});
            assertClosedByServer(socket);
        }
        assertEquals(1, server.counters().get(ServerCounter.TCP_BAD_FRAME));
        assertStillServes();
    }

    @Test
    void shouldRefuseAFrameLargerThanTheMaximum() throws IOException {
        try (Socket socket = connect()) {
            // A STUN header announcing 65,532 bytes of attributes: more than any frame turnkit takes.
            byte[] header = {0, 1, (byte) 0xFF, (byte) 0xFC, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                10, 11, 12};
            socket.getOutputStream().write(header);
            assertClosedByServer(socket);
        }
        assertEquals(1, server.counters().get(ServerCounter.TCP_BAD_FRAME));
        assertStillServes();
    }

    @Test
    void shouldCloseAnHttpProbe() throws IOException {
        // "GE" reads as ChannelData channel 0x4745 announcing 0x5420 bytes: it stalls, and is timed out.
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(socket);
        }
        assertEquals(1, server.counters().get(ServerCounter.TCP_TIMED_OUT));
        assertStillServes();
    }

    @Test
    void shouldTimeOutAClientStalledMidFrame() throws IOException {
        try (Socket socket = connect()) {
            // A Binding request header announcing 8 bytes of attributes that never come.
            byte[] half = {0, 1, 0, 8, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            socket.getOutputStream().write(half);
            assertClosedByServer(socket);
        }
        assertEquals(1, server.counters().get(ServerCounter.TCP_TIMED_OUT));
        assertStillServes();
    }

    @Test
    void shouldRefuseConnectionsBeyondTheLimit() throws IOException {
        List<Socket> allowed = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                allowed.add(connect());
            }
            // The kernel completes a connect before the server's event loops count it; the fourth must come last.
            long counted = System.nanoTime() + 5_000_000_000L;
            while (server.openTcpConnections() < 3 && System.nanoTime() < counted) {
                LockSupport.parkNanos(1_000_000);
            }
            assertEquals(3, server.openTcpConnections(), "the server counted the three connections");
            try (Socket beyond = connect()) {
                assertClosedByServer(beyond);
            }
            assertEquals(1, server.counters().get(ServerCounter.TCP_REFUSED));
        } finally {
            for (Socket socket : allowed) {
                socket.close();
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                assertStillServes();
                return;
            } catch (IOException | AssertionError e) {
                // The server may not have seen the closes yet; try again until the deadline.
            }
        }
        assertStillServes();
    }
}
