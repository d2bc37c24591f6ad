package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.Await;
import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.ClusterNodes;
import io.turnkit.conformance.support.MetricsEndpoint;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.server.metrics.PrometheusText;
import io.turnkit.store.cluster.RedisCluster;
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
    private static final String NONCE_SECRET_KEY = "turnkit/nonce-secret";
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
    private ClusterNodes cluster;

    /** The clients, then the nodes, then Redis: each node leaves the cluster, in Redis, as it stops. */
    @AfterEach
    void stop() {
        Cleanup.closeAll(clients.toArray(AutoCloseable[]::new));
        Cleanup.closeAll(cluster);
    }

    @Test
    void shouldRelayAndAdmitKnownUsersWhileRedisIsAwayAndReconcileWhenItIsBack() throws Exception {
        Path data = temp.resolve("redis");
        startCluster(data);
        RelayedClient before = allocate(0);
        before.relayBothWays("before the outage");
        assertEquals("1", cluster.quotaCount(USER, "node-0"), "node-0 counts alice's allocation in Redis");
        String database = cluster.redisUri();
        // The test server saves nothing by itself (--save ""), and redis-server saves on SIGTERM only when it has save
        // points: SAVE writes dump.rdb, which the server started again in the same directory loads.
        assertEquals("+OK", cluster.redis().call("SAVE"));

        cluster.stopRedis();
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

        cluster.startRedisAgain(data);
        assertEquals(":1", cluster.redis().call("EXISTS",
                "turn/realm/" + TurnkitServer.REALM + "/user/" + USER + "/key"), "Redis came back with its data");
        awaitCountsPublished();
        for (int i = 0; i < NODES; i++) {
            nodes.get(i).awaitLineContaining("cluster: " + database + " reachable again", BACK);
            assertEquals(1, PrometheusText.until(metrics.get(i)::scrape, t -> t.valueOrZero(REACHABLE_GAUGE) == 1,
                    BACK).valueOrZero(REACHABLE_GAUGE), "node-" + i + " says Redis is reachable");
        }
        assertNull(cluster.quotaCount(USER, "node-2"), "node-2's allocations ended while Redis was away");
        before.relayBothWays("after Redis is back");
        during.relayBothWays("after Redis is back");
    }

    @Test
    void shouldReRegisterAndRepublishCountsWhenRedisRestartsEmpty() throws Exception {
        startCluster(temp.resolve("redis"));
        RelayedClient onNode0 = allocate(0);
        RelayedClient onNode1 = allocate(1);
        String nonceSecret = cluster.redis().call("GET", NONCE_SECRET_KEY);

        cluster.stopRedis();
        cluster.startRedisAgain(temp.resolve("empty"));
        assertEquals(":0", cluster.redis().call("DBSIZE"), "Redis restarted empty");

        // Users in Redis are gone with the rest: the nodes keep serving their last snapshot, and no node puts users
        // back, since the user database is the operators' (docs/configuration.md). The cluster's own keys come back.
        for (int i = 0; i < NODES; i++) {
            String node = "node-" + i;
            Await.within(BACK, () -> cluster.isRegistered(node), () -> node + " registered again" + describeNodes());
        }
        awaitCountsPublished();
        assertNull(cluster.quotaCount(USER, "node-2"), "node-2 holds none of alice's allocations");
        Await.within(BACK, () -> nonceSecret.equals(cluster.redis().call("GET", NONCE_SECRET_KEY)),
                () -> "the nonce secret the nodes share put back, not a new one" + describeNodes());
        onNode0.relayBothWays("node-0, after Redis restarted empty");
        onNode1.relayBothWays("node-1, after Redis restarted empty");
    }

    /**
     * Starts redis-server keeping its files in {@code data}, adds alice to it as an operator does, and starts the
     * nodes node-0… with their users and cluster state there and each its /metrics; waits until all registered.
     */
    private void startCluster(Path data) {
        cluster = ClusterNodes.start(data);
        String database = cluster.redisUri();
        TurnkitCommand.succeed("user", "add", "-u", USER, "-p", PASSWORD, "--realm", TurnkitServer.REALM,
                "--redis-userdb", database);
        for (int i = 0; i < NODES; i++) {
            MetricsEndpoint endpoint = MetricsEndpoint.onFreePort();
            List<String> options = new ArrayList<>(List.of("--lt-cred-mech", "--user-quota",
                    Integer.toString(USER_QUOTA), "--redis-userdb", database));
            options.addAll(endpoint.options());
            metrics.add(endpoint);
            nodes.add(cluster.startNode("node-" + i, options));
        }
    }

    /** Waits until Redis counts alice's allocation on node-0 and on node-1 again, as the nodes publish them. */
    private void awaitCountsPublished() {
        Await.within(BACK, () -> "1".equals(cluster.quotaCount(USER, "node-0"))
                && "1".equals(cluster.quotaCount(USER, "node-1")),
                () -> "alice's counts published again: " + cluster.redis().call("HGETALL", "turnkit/quota/" + USER)
                        + describeNodes());
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

    private String describeNodes() {
        return "\n" + nodes.stream().map(TurnkitServer::describe).reduce("", String::concat);
    }
}
