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
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsPeer;
import io.turnkit.conformance.support.TurnutilsUclient;
import io.turnkit.conformance.support.UclientReport;
import io.turnkit.store.cluster.RedisCluster;
import io.turnkit.store.credential.RedisServer;

/**
 * Two {@code turnkit serve} processes sharing a real redis-server ({@code --redis-statsdb}): the one above its
 * {@code --redirect-load} answers an Allocate of coturn's turnutils_uclient with 300 naming the other, less loaded
 * node, which uclient follows (RFC 8489 §10) and relays through without loss.
 */
class ClusterRedirectTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "conformance-password";
    private static final int MESSAGES = 20;
    /** Enough for the first uclient to hold its allocations while the second asks. */
    private static final int FIRST_MESSAGES = 200;
    private static final String REDIRECTED = "error 300 (Try Alternate)";
    private static final Duration REGISTERED = Duration.ofSeconds(10);
    private static final Duration LOG_LINE = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private RedisServer redis;
    private TurnkitServer live;
    private TurnkitServer loaded;
    private TurnutilsPeer peer;

    @AfterEach
    void stop() {
        Cleanup.closeAll(loaded, live, peer, redis);
    }

    @Test
    void shouldSendTheAllocateAboveTheRedirectLoadToTheLessLoadedNode() {
        redis = RedisServer.start(temp);
        peer = TurnutilsPeer.start();
        live = node("live", List.of());
        awaitRegistered("live");
        loaded = node("loaded", List.of("--redirect-load", "1"));
        awaitRegistered("loaded");
        // A first uclient's allocations are made on this node, which is then at its redirect load of 1; the second
        // allocation of each uclient presents the RESERVATION-TOKEN of its first, and stays where the first is.
        CompletableFuture<UclientReport> first = CompletableFuture.supplyAsync(() -> uclient(FIRST_MESSAGES));
        loaded.awaitLineContaining("allocation created: user " + USER, LOG_LINE);

        UclientReport report = uclient(MESSAGES);

        assertAll(report.describe() + loaded.describe() + live.describe(),
                () -> assertEquals(0, report.exitCode(), "exit code"),
                () -> assertEquals(report.sent(), report.received(), "messages received"),
                () -> assertEquals(0, report.lost(), "lost packets"),
                () -> assertTrue(report.output().contains(REDIRECTED), "a 300 from the loaded node"),
                () -> assertTrue(report.output().contains("Connected to: " + LOOPBACK_IP + ":" + live.port()),
                        "uclient went to the live node"));
        live.awaitLineContaining("allocation created: user " + USER, LOG_LINE);
        // Only waited for: its allocations are what loads the node; its own run is not what is tested here.
        first.join();
    }

    private UclientReport uclient(int messages) {
        return TurnutilsUclient.run(loaded, loaded.port(), List.of("-v", "-e", LOOPBACK_IP,
                "-r", Integer.toString(peer.port()), "-n", Integer.toString(messages), "-u", USER, "-w", PASSWORD));
    }

    @Test
    @Tag("slow")
    void shouldFreeTheQuotaSlotsOfAKilledNodeWithinTheTtl() throws IOException, InterruptedException {
        redis = RedisServer.start(temp);
        peer = TurnutilsPeer.start();
        loaded = node("doomed", List.of("--user-quota", "3"));
        live = node("live", List.of("--user-quota", "3"));
        awaitRegistered("doomed");
        awaitRegistered("live");
        CompletableFuture<UclientReport> holding = CompletableFuture.supplyAsync(() -> uclient(FIRST_MESSAGES));
        loaded.awaitLine(line -> line.contains("allocation created: user " + USER) && line.contains("lifetime")
                && loaded.output().split("allocation created: user " + USER, -1).length > 2,
                "both of the first uclient's allocations", LOG_LINE);

        Process kill = new ProcessBuilder("kill", "-9", Long.toString(loaded.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -9");
        long deadline = System.nanoTime() + RedisCluster.TTL.plus(RedisCluster.HEARTBEAT).toNanos();
        while (!":0".equals(redis.call("EXISTS", "turnkit/node/doomed"))) {
            assertTrue(System.nanoTime() - deadline < 0, "the killed node still registered after its TTL");
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        holding.join();

        UclientReport report = TurnutilsUclient.run(live, live.port(), List.of("-v", "-e", LOOPBACK_IP,
                "-r", Integer.toString(peer.port()), "-n", Integer.toString(MESSAGES), "-u", USER, "-w", PASSWORD));
        assertAll(report.describe() + live.describe(),
                () -> assertEquals(0, report.exitCode(),
                        "exit code: the killed node's slots are free again (uclient needs 3)"),
                () -> assertTrue(report.errorLines().isEmpty(), "no 486"));
    }

    private TurnkitServer node(String id, List<String> more) {
        List<String> options = new ArrayList<>(List.of("--lt-cred-mech", "--user", USER + ":" + PASSWORD,
                "--redis-statsdb", redis.location().describe(), "--node-id", id));
        options.addAll(more);
        return TurnkitServer.withOptions(options);
    }

    private void awaitRegistered(String id) {
        long deadline = System.nanoTime() + REGISTERED.toNanos();
        while (!":1".equals(redis.call("EXISTS", "turnkit/node/" + id))) {
            assertTrue(System.nanoTime() - deadline < 0, id + " not registered within " + REGISTERED);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
