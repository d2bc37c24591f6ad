package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.MetricsEndpoint;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.server.metrics.PrometheusText;
import io.turnkit.store.cluster.RedisCluster;
import io.turnkit.store.credential.RedisServer;
import io.turnkit.stun.StunErrorCode;

/**
 * Three {@code turnkit serve} processes sharing a real redis-server for their users ({@code --redis-userdb}) and as
 * a cluster ({@code --redis-statsdb}), and that redis-server going away under them: what docs/cluster.md ("When
 * Redis is unreachable") promises, as relaying clients, the nodes' logs, their /metrics and Redis itself see it.
 */
@Tag("slow")
class ClusterRedisOutageTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-password";
    private static final int NODES = 3;
    private static final int USER_QUOTA = 3;
    private static final String QUOTA_KEY = "turnkit/quota/" + USER;
    private static final String NONCE_SECRET_KEY = "turnkit/nonce-secret";
    /** A node's first heartbeat after its start, on a busy two-core machine. */
    private static final Duration REGISTERED = Duration.ofSeconds(10);
    /** A heartbeat (2 s) meets the outage, or an Allocate's quota script does; with room for a busy machine. */
    private static final Duration NOTICED = Duration.ofSeconds(10);
    /** docs/cluster.md: back within one heartbeat (2 s) of Redis answering; with room for a busy machine. */
    private static final Duration BACK = RedisCluster.HEARTBEAT.plusSeconds(2);
    /**
     * How long Redis stays away in the outage: past the lifetime of the nodes' registrations and counts
     * (docs/cluster.md) by two heartbeats, so that they have expired in what Redis saved, and what it holds once back
     * the nodes wrote again. An outage that long also has a client that waits longer and longer between its tries
     * to reconnect (as Lettuce does by default, up to 30 s) miss {@link #BACK}.
     */
    private static final Duration OUTAGE = RedisCluster.TTL.plus(RedisCluster.HEARTBEAT.multipliedBy(2));
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final String OUTAGE_COUNTER = "turnkit_cluster_redis_outages_total";
    private static final String REACHABLE_GAUGE = "turnkit_cluster_redis_reachable";

    @TempDir
    Path temp;

    private final List<AutoCloseable> clients = new ArrayList<>();
    private final List<TurnkitServer> nodes = new ArrayList<>();
    private final List<MetricsEndpoint> metrics = new ArrayList<>();
    private RedisServer redis;

    /** The clients, then the nodes, then Redis: each node leaves the cluster, in Redis, as it stops. */
    @AfterEach
    void stop() {
        List<AutoCloseable> started = new ArrayList<>(clients);
        started.addAll(nodes);
        started.add(redis);
        Cleanup.closeAll(started.toArray(AutoCloseable[]::new));
    }

    @Test
    void shouldRelayAndAdmitKnownUsersWhileRedisIsAwayAndReconcileWhenItIsBack() throws Exception {
        Path data = temp.resolve("redis");
        startCluster(data);
        RelayedClient before = allocate(0);
        before.relayBothWays("before the outage");
        assertEquals("1", redis.call("HGET", QUOTA_KEY, "node-0"), "node-0 counts alice's allocation in Redis");
        int port = redis.port();
        String database = redis.location().describe();
        // The test server saves nothing by itself (--save ""), and redis-server saves on SIGTERM only when it has save
        // points: SAVE writes dump.rdb, which the server started again in the same directory loads.
        assertEquals("+OK", redis.call("SAVE"));

        stopRedis();
        long stoppedAt = System.nanoTime();

        for (int i = 0; i < NODES; i++) {
            nodes.get(i).awaitLineContaining("cluster: cannot reach " + database + ": ", NOTICED);
            PrometheusText scrape = PrometheusText.until(metrics.get(i)::scrape,
                    t -> t.valueOrZero(OUTAGE_COUNTER) == 1 && t.valueOrZero(REACHABLE_GAUGE) == 0, NOTICED);
            assertEquals(1, scrape.valueOrZero(OUTAGE_COUNTER), "node-" + i + " counts one outage");
            assertEquals(0, scrape.valueOrZero(REACHABLE_GAUGE), "node-" + i + " says Redis is unreachable");
        }
        // Relaying and Refresh never use Redis (docs/cluster.md); RFC 8656 §8: a Refresh keeps the allocation.
        for (int trip = 0; trip < 5; trip++) {
            before.relayBothWays("while Redis is away, round trip " + trip);
        }
        assertEquals(LIFETIME, before.refresh(LIFETIME), "the Refresh is granted while Redis is away");
        before.relayBothWays("after the Refresh, while Redis is away");

        // alice is known from the credential store's last snapshot of Redis; the quota is kept on local counts.
        RelayedClient during = allocate(1);
        during.relayBothWays("allocated on node-1 while Redis is away");
        assertTrue(metrics.get(1).scrape().valueOrZero("turnkit_cluster_local_admissions_total") >= 1,
                "node-1 admitted alice on its own counts");

        // On its own counts node-2 grants alice its whole quota, though she holds 2 allocations on the other nodes,
        // and refuses one more (RFC 8656 §7.2: 486); those end before Redis is back, so they must not be counted.
        assertLocalQuotaHolds(2);
        // Redis stays away for OUTAGE: see there why.
        while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
            LockSupport.parkNanos(POLL.toNanos());
        }

        redis = RedisServer.startOn(data, port);
        assertEquals(":1", redis.call("EXISTS", "turn/realm/" + TurnkitServer.REALM + "/user/" + USER + "/key"),
                "Redis came back with its data");
        awaitWithin(BACK, () -> "1".equals(redis.call("HGET", QUOTA_KEY, "node-0"))
                && "1".equals(redis.call("HGET", QUOTA_KEY, "node-1")),
                () -> "alice's counts published again: " + redis.call("HGETALL", QUOTA_KEY));
        for (int i = 0; i < NODES; i++) {
            nodes.get(i).awaitLineContaining("cluster: " + database + " reachable again", BACK);
            assertEquals(1, PrometheusText.until(metrics.get(i)::scrape, t -> t.valueOrZero(REACHABLE_GAUGE) == 1,
                    BACK).valueOrZero(REACHABLE_GAUGE), "node-" + i + " says Redis is reachable");
        }
        assertEquals("$-1", redis.call("HGET", QUOTA_KEY, "node-2"), "node-2's allocations ended while Redis was away");
        before.relayBothWays("after Redis is back");
        during.relayBothWays("after Redis is back");
    }

    @Test
    void shouldReRegisterAndRepublishCountsWhenRedisRestartsEmpty() throws Exception {
        startCluster(temp.resolve("redis"));
        RelayedClient onNode0 = allocate(0);
        RelayedClient onNode1 = allocate(1);
        String nonceSecret = redis.call("GET", NONCE_SECRET_KEY);
        int port = redis.port();

        stopRedis();
        redis = RedisServer.startOn(temp.resolve("empty"), port);
        assertEquals(":0", redis.call("DBSIZE"), "Redis restarted empty");

        // Users in Redis are gone with the rest: the nodes keep serving their last snapshot, and no node puts users
        // back, since the user database is the operators' (docs/configuration.md). The cluster's own keys come back.
        for (int i = 0; i < NODES; i++) {
            String node = "node-" + i;
            awaitWithin(BACK, registered(node), () -> node + " registered again");
        }
        awaitWithin(BACK, () -> "1".equals(redis.call("HGET", QUOTA_KEY, "node-0"))
                && "1".equals(redis.call("HGET", QUOTA_KEY, "node-1")),
                () -> "alice's counts published again: " + redis.call("HGETALL", QUOTA_KEY));
        assertEquals("$-1", redis.call("HGET", QUOTA_KEY, "node-2"), "node-2 holds none of alice's allocations");
        awaitWithin(BACK, () -> nonceSecret.equals(redis.call("GET", NONCE_SECRET_KEY)),
                () -> "the nonce secret the nodes share put back, not a new one");
        onNode0.relayBothWays("node-0, after Redis restarted empty");
        onNode1.relayBothWays("node-1, after Redis restarted empty");
    }

    /**
     * Starts redis-server keeping its files in {@code data}, adds alice to it as an operator does, and starts the
     * nodes node-0… with their users and cluster state there and each its /metrics; waits until all registered.
     */
    private void startCluster(Path data) {
        redis = RedisServer.start(data);
        String database = redis.location().describe();
        TurnkitCommand.succeed("user", "add", "-u", USER, "-p", PASSWORD, "--realm", TurnkitServer.REALM,
                "--redis-userdb", database);
        for (int i = 0; i < NODES; i++) {
            MetricsEndpoint endpoint = MetricsEndpoint.onFreePort();
            List<String> options = new ArrayList<>(List.of("--lt-cred-mech", "--user-quota",
                    Integer.toString(USER_QUOTA), "--redis-userdb", database, "--redis-statsdb", database,
                    "--node-id", "node-" + i));
            options.addAll(endpoint.options());
            metrics.add(endpoint);
            nodes.add(TurnkitServer.withOptions(options));
        }
        for (int i = 0; i < NODES; i++) {
            String node = "node-" + i;
            awaitWithin(REGISTERED, registered(node), () -> node + " registered");
        }
    }

    /** alice allocates on node {@code node} and lets her peer in. */
    private RelayedClient allocate(int node) throws IOException {
        RelayedClient client = RelayedClient.allocate(nodes.get(node), USER, PASSWORD);
        clients.add(client);
        return client;
    }

    /**
     * alice, holding allocations on other nodes, makes {@value #USER_QUOTA} on node {@code node}, is refused one
     * more with 486 there, and gives them back.
     */
    private void assertLocalQuotaHolds(int node) throws IOException, InterruptedException {
        List<RelayedClient> held = new ArrayList<>();
        for (int i = 0; i < USER_QUOTA; i++) {
            held.add(allocate(node));
        }
        TurnClient over = RelayedClient.client(nodes.get(node), USER, PASSWORD);
        clients.add(over);
        ErrorResponseException refused = assertThrows(ErrorResponseException.class, over::allocate,
                "one allocation more than --user-quota on one node");
        assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, refused.errorCode());
        assertTrue(metrics.get(node).scrape().valueOrZero("turnkit_quota_refused_total", "quota", "user") >= 1,
                "refused by the node's own user quota");
        for (RelayedClient client : held) {
            client.release();
        }
    }

    private void stopRedis() {
        redis.close();
        redis = null;
    }

    private BooleanSupplier registered(String nodeId) {
        return () -> ":1".equals(redis.call("EXISTS", "turnkit/node/" + nodeId));
    }

    private void awaitWithin(Duration limit, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, () -> what.get() + ": not within " + limit + "\n"
                    + nodes.stream().map(TurnkitServer::describe).reduce("", String::concat));
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}
