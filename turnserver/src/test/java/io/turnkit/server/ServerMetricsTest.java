package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.PrometheusText;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunMethod;

/** The Prometheus endpoint of a running server: what it serves, and that the counts follow what clients do. */
class ServerMetricsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress start(Consumer<ServerConfig.Builder> settings) {
        int base = RelayPorts.randomBase();
        ServerConfig.Builder builder = ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(LOOPBACK).listeningPort(0).tlsListeningPort(0))
                .auth(au -> au.realm("turnkit.test").user(USER, PASSWORD)).peers(pe -> pe.allowLoopbackPeers(true))
                .relay(rl -> rl.minPort(base).maxPort(base + 99))
                .auth(au -> au.userdb(temp.resolve("userdb")))
                .metrics(mt -> mt.enabled(true).address(LOOPBACK).port(0));
        settings.accept(builder);
        server = TurnServer.start(builder.build());
        return server.listeningAddresses(true).get(0);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + LOOPBACK.getHostAddress() + ":"
                + server.metricsAddress().getPort() + path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        return PrometheusText.parse(response.body());
    }


    @Test
    void shouldCountWhatClientsDo() throws Exception {
        InetSocketAddress address = start(b -> b.metrics(mt -> mt.usernameLabels(true)));
        PrometheusText before = scrape();
        try (TestTurnClient client = TestTurnClient.udp(address, USER, PASSWORD);
                TestTurnClient intruder = TestTurnClient.udp(address, USER, "wrong");
                DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            peer.setSoTimeout((int) WAIT.toMillis());
            assertTrue(client.plain(StunMethod.BINDING, e -> { }).isSuccess());
            assertFalse(intruder.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)).isSuccess());
            InetSocketAddress relayed = client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17))
                    .address(StunAttributeType.XOR_RELAYED_ADDRESS);
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, e -> e.addChannelNumber(0x4000)
                    .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peerAddress)).isSuccess());
            for (int i = 0; i < 3; i++) {
                client.send(new byte[] {0x40, 0x00, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0, 0, 0});
                peer.receive(new DatagramPacket(new byte[64], 64));
            }
            peer.send(new DatagramPacket(new byte[] {'h', 'i'}, 2, relayed));
            client.receiveFrame();

            PrometheusText after = PrometheusText.until(this::scrape, t -> t.increase(before,
                    "turnkit_relayed_packets_total", "direction", "to_client", "path", "channel_data") >= 1, WAIT);
            assertEquals(1, after.increase(before, "turnkit_allocations_started_total"));
            assertEquals(1.0, after.value("turnkit_allocations_active", "transport", "udp", "family", "ipv4"));
            assertEquals(0.0, after.value("turnkit_allocations_active", "transport", "tcp", "family", "ipv4"));
            assertEquals(1.0, after.value("turnkit_relay_ports_used"), "the allocation's relay port");
            assertEquals(3, after.increase(before, "turnkit_relayed_packets_total", "direction", "to_peer", "path",
                    "channel_data"));
            assertEquals(15, after.increase(before, "turnkit_relayed_bytes_total", "direction", "to_peer", "path",
                    "channel_data"));
            assertEquals(1, after.increase(before, "turnkit_relayed_packets_total", "direction", "to_client", "path",
                    "channel_data"));
            assertEquals(2, after.increase(before, "turnkit_relayed_bytes_total", "direction", "to_client", "path",
                    "channel_data"));
            assertEquals(0, after.increase(before, "turnkit_relayed_packets_total", "direction", "to_peer", "path",
                    "send_data"));
            assertEquals(1, after.increase(before, "turnkit_binding_requests_total"));
            assertEquals(1, after.increase(before, "turnkit_auth_results_total", "result", "bad_integrity"));
            // Each client's first request is challenged (401); the intruder's second one too.
            assertEquals(3, after.increase(before, "turnkit_error_responses_total", "code", "401"));
            assertEquals(1.0, after.value("turnkit_user_allocations", "user", USER));
            assertEquals("counter", after.type("turnkit_relayed_packets_total"));
            assertTrue(after.valueOrZero("process_files_open_files") > 0, "the process's meters are there");
            assertTrue(after.valueOrZero("jvm_threads_live_threads") > 0, "the JVM's meters are there");
            assertTrue(after.has("netty_allocator_memory_used"), "the buffer pool's meters are there");
        }
    }


    @Test
    void shouldServeItsPathOnlyAndReadOnly() throws Exception {
        start(b -> b.metrics(mt -> mt.path("/stats")));
        HttpResponse<String> metrics = get("/stats");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(PrometheusText.parse(metrics.body()).size() > 50);
        assertEquals(404, get("/metrics").statusCode());
        assertEquals(404, get("/stats/more").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://"
                + LOOPBACK.getHostAddress() + ":" + server.metricsAddress().getPort() + "/stats"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void shouldShowNoUserWithoutUsernameLabels() throws Exception {
        InetSocketAddress address = start(b -> { });
        try (TestTurnClient client = TestTurnClient.udp(address, USER, PASSWORD)) {
            assertTrue(client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)).isSuccess());
            PrometheusText text = PrometheusText.until(this::scrape,
                    t -> t.valueOrZero("turnkit_allocations_started_total") == 1, WAIT);
            assertEquals(1.0, text.value("turnkit_allocations_started_total"));
            assertNull(text.value("turnkit_user_allocations", "user", USER));
        }
    }

    @Test
    void shouldNotStartWhenTheMetricsPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            ServerStartException refused = assertThrows(ServerStartException.class,
                    () -> start(b -> b.metrics(mt -> mt.port(taken.getLocalPort()))));
            assertTrue(refused.getMessage().startsWith("cannot listen on prometheus 127.0.0.1 port "
                    + taken.getLocalPort()), refused.getMessage());
        }
    }

    @Test
    void shouldServeNothingWithoutPrometheus() {
        start(b -> b.metrics(mt -> mt.enabled(false)));
        assertNull(server.metricsAddress());
    }
}
