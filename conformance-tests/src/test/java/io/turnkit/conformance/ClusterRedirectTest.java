package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.ClusterNodes;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsPeer;
import io.turnkit.conformance.support.TurnutilsUclient;
import io.turnkit.conformance.support.UclientReport;

/**
 * Two {@code turnkit serve} processes sharing a real redis-server ({@code --redis-statsdb}): a node that is above its
 * {@code --redirect-load}, draining or full answers an Allocate of coturn's turnutils_uclient with 300 (Try
 * Alternate) naming the other, live node, which uclient follows (RFC 8489 §10, allowed for Allocate by RFC 8656
 * §7.2) and relays through without loss.
 */
class ClusterRedirectTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "conformance-password";
    private static final int MESSAGES = 20;
    /** Enough for the first uclient to hold its allocations while the second asks. */
    private static final int FIRST_MESSAGES = 200;
    private static final String REDIRECTED = "error 300 (Try Alternate)";
    private static final String CREATED = "allocation created: user " + USER;
    private static final Duration LOG_LINE = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private ClusterNodes cluster;
    private TurnkitServer live;
    private TurnutilsPeer peer;
    private RelayedClient holder;

    @BeforeEach
    void start() {
        cluster = ClusterNodes.start(temp);
        peer = TurnutilsPeer.start();
        live = node("live");
    }

    @AfterEach
    void stop() {
        Cleanup.closeAll(holder, cluster, peer);
    }

    @Test
    void shouldSendTheAllocateAboveTheRedirectLoadToTheLessLoadedNode() {
        TurnkitServer loaded = node("loaded", "--redirect-load", "1");
        // A first uclient's allocations are made on this node, which is then at its redirect load of 1; the second
        // allocation of each uclient presents the RESERVATION-TOKEN of its first, and stays where the first is.
        CompletableFuture<UclientReport> first = CompletableFuture.supplyAsync(() -> uclient(loaded, FIRST_MESSAGES));
        loaded.awaitLineContaining(CREATED, LOG_LINE);

        assertRedirectedToTheLiveNode(loaded, uclient(loaded, MESSAGES));
        // Only waited for: its allocations are what loads the node; its own run is not what is tested here.
        first.join();
    }

    @Test
    void shouldSendTheAllocateOfADrainingNodeToALiveOne() throws IOException, InterruptedException {
        TurnkitServer draining = node("draining");
        // A drained node stops once it holds no allocation (docs/operations.md): this one keeps it serving.
        holder = RelayedClient.allocate(draining, USER, PASSWORD);
        draining.signal("USR1");
        draining.awaitLineContaining("draining: new allocations refused", LOG_LINE);

        assertRedirectedToTheLiveNode(draining, uclient(draining, MESSAGES));
        holder.relayBothWays("the draining node's own allocation still relays");
    }

    @Test
    void shouldSendTheAllocateOfAFullNodeToOneWithRoom() throws IOException {
        // docs/cluster.md: a node's capacity is its --total-quota; with one allocation held, this one is full.
        TurnkitServer full = node("full", "--total-quota", "1");
        holder = RelayedClient.allocate(full, USER, PASSWORD);

        assertRedirectedToTheLiveNode(full, uclient(full, MESSAGES));
        holder.relayBothWays("the full node's own allocation still relays");
    }

    /**
     * uclient, sent to {@code redirecting}, got its 300 and allocated on the live node instead, and relayed all its
     * messages there.
     */
    private void assertRedirectedToTheLiveNode(TurnkitServer redirecting, UclientReport report) {
        assertAll(report.describe() + redirecting.describe() + live.describe(),
                () -> assertEquals(0, report.exitCode(), "exit code"),
                () -> assertEquals(report.sent(), report.received(), "messages received"),
                () -> assertTrue(report.sent() > 0, "messages sent"),
                () -> assertEquals(0, report.lost(), "lost packets"),
                () -> assertTrue(report.output().contains(REDIRECTED), "a 300 from the node asked"),
                () -> assertTrue(report.output().contains("Connected to: " + LOOPBACK_IP + ":" + live.port()),
                        "uclient went to the live node"));
        live.awaitLineContaining(CREATED, LOG_LINE);
    }

    private UclientReport uclient(TurnkitServer server, int messages) {
        return TurnutilsUclient.run(server, server.port(), List.of("-v", "-e", LOOPBACK_IP,
                "-r", Integer.toString(peer.port()), "-n", Integer.toString(messages), "-u", USER, "-w", PASSWORD));
    }

    private TurnkitServer node(String id, String... more) {
        List<String> options = new ArrayList<>(List.of("--lt-cred-mech", "--user", USER + ":" + PASSWORD));
        options.addAll(List.of(more));
        return cluster.startNode(id, options);
    }
}
