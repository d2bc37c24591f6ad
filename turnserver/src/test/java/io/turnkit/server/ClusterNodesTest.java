package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.CredentialStores;
import io.turnkit.store.credential.RedisServer;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMethod;

/** Three in-process nodes sharing one real redis-server (--redis-statsdb): quotas, redirects, Redis outages. */
class ClusterNodesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String REALM = "turnkit.test";
    /** Two heartbeats past the registration's TTL: the most any change may take to be seen. */
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path temp;

    private RedisServer redis;
    private final List<TurnServer> nodes = new ArrayList<>();
    private final List<TestTurnClient> clients = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (TestTurnClient client : clients) {
            client.close();
        }
        nodes.forEach(TurnServer::close);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void shouldRefuseTheThirdAllocationOfAUserWithQuotaTwoOnAnyNode() throws IOException {
        startCluster(3, "");

        assertTrue(allocate(0).isSuccess(), "first allocation, node 0");
        assertTrue(allocate(1).isSuccess(), "second allocation, node 1");
        TestTurnClient.Response third = allocate(2);

        assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, third.errorCode(), "third allocation, node 2: " + third);
        assertEquals(1, nodes.get(2).counters().get(ServerCounter.CLUSTER_QUOTA_REFUSED));
    }

    @Test
    void shouldFreeTheSlotsOfANodeThatLeftTheCluster() throws IOException {
        startCluster(3, "");
        assertTrue(allocate(0).isSuccess());
        assertTrue(allocate(1).isSuccess());

        nodes.get(1).close();

        assertTrue(allocate(2).isSuccess(), "node 1's allocation no longer counts once it is gone");
    }

    @Test
    void shouldFreeTheSlotsOfANodeThatDiedOnceItsRegistrationExpires() throws IOException {
        startCluster(1, "");
        // A node that died without a word: its registration lives out its TTL, its count of alice stays.
        redis.call("HSET", "turnkit/node/ghost", "draining", "false");
        redis.call("PEXPIRE", "turnkit/node/ghost", "1500");
        redis.call("HSET", "turnkit/quota/alice", "ghost", "2");
        assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, allocate(0).errorCode(), "the ghost's 2 count");

        awaitTrue(() -> ":0".equals(redis.call("EXISTS", "turnkit/node/ghost")), "the ghost's registration expired");

        assertTrue(allocate(0).isSuccess(), "the ghost's slots are free once its registration is gone");
        assertEquals("$-1", redis.call("HGET", "turnkit/quota/alice", "ghost"),
                "the quota script removed the dead node's count (nil)");
    }

    @Test
    void shouldCloseADeletedUsersAllocationsOnEveryNodeWithinTwoSeconds() throws IOException {
        redis = RedisServer.start(temp);
        try (CredentialStore users = CredentialStores.open(redis.location())) {
            users.putUser(UserKeys.fromPassword(REALM, "alice", "wonderland", Instant.now()));
            startNodes(2, builder -> builder.auth(a -> a.redisUserdb(redis.location().describe())));
            assertTrue(allocate(0).isSuccess());
            assertTrue(allocate(1).isSuccess());

            users.deleteUser(REALM, "alice");
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (TurnServer node : nodes) {
            while (node.counters().get(ServerCounter.ALLOCATIONS_DELETED) == 0) {
                assertTrue(System.nanoTime() - deadline < 0, "alice's allocation still open 2 s after her deletion");
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    @Test
    void shouldRedirectAnAllocateAboveTheRedirectLoadToALessLoadedNode() throws IOException {
        startCluster(2, "1");
        assertTrue(allocate(0).isSuccess(), "node 0 reaches its redirect load of 1 allocation");

        TestTurnClient.Response response = awaitRedirect(0);

        assertEquals(nodes.get(1).listeningAddresses(true).get(0), response.address(StunAttributeType.ALTERNATE_SERVER));
    }

    @Test
    void shouldRedirectAnAllocateFromADrainingNodeToALiveOne() throws IOException {
        startCluster(2, "");
        assertTrue(allocate(0).isSuccess(), "an allocation keeps the draining node up");
        nodes.get(0).drain();
        InetSocketAddress live = nodes.get(1).listeningAddresses(true).get(0);

        TestTurnClient.Response response = awaitRedirect(0);

        assertEquals(live, response.address(StunAttributeType.ALTERNATE_SERVER));
    }

    /** Allocates at {@code node} until the answer is 300: the node learns of the others at its next heartbeat. */
    private TestTurnClient.Response awaitRedirect(int node) throws IOException {
        TestTurnClient.Response response = allocate(node);
        long deadline = System.nanoTime() + SEEN_WITHIN.toNanos();
        while (response.errorCode() != StunErrorCode.TRY_ALTERNATE && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL.toNanos());
            response = allocate(node);
        }
        assertEquals(StunErrorCode.TRY_ALTERNATE, response.errorCode(), response.toString());
        return response;
    }

    @Test
    void shouldAdmitOnLocalCountsWhileRedisIsAwayAndPublishThemWhenItIsBack() throws IOException {
        startCluster(1, "");
        assertTrue(allocate(0).isSuccess());
        int port = redis.port();

        redis.close();
        redis = null;
        TestTurnClient.Response whileAway = allocate(0);
        assertTrue(whileAway.isSuccess(), "a known user allocates while Redis is away: " + whileAway);
        assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, allocate(0).errorCode(),
                "the quota is still kept, on this node's own counts");
        assertTrue(nodes.get(0).counters().get(ServerCounter.CLUSTER_REDIS_OUTAGES) >= 1);

        redis = RedisServer.startOn(temp.resolve("again"), port);
        awaitTrue(() -> "2".equals(redis.call("HGET", "turnkit/quota/alice", "node-0")),
                "Redis, restarted empty, has node-0's count of alice's allocations again");
        assertEquals(":1", redis.call("EXISTS", "turnkit/node/node-0"), "node-0 registered again");
    }

    /** Starts redis-server and {@code count} nodes named node-0…, alice allowed 2 allocations, all registered. */
    private void startCluster(int count, String redirectLoad) {
        redis = RedisServer.start(temp);
        startNodes(count, builder -> {
            builder.auth(a -> a.user("alice", "wonderland"));
            if (!redirectLoad.isEmpty()) {
                builder.cluster(c -> c.redirectLoad(redirectLoad));
            }
        });
    }

    /** Starts {@code count} nodes named node-0…, with a user quota of 2 and what {@code more} sets, all registered. */
    private void startNodes(int count, Consumer<ServerConfig.Builder> more) {
        for (int i = 0; i < count; i++) {
            int base = RelayPorts.randomBase();
            String id = "node-" + i;
            ServerConfig.Builder config = ServerConfig.builder()
                    .listeners(l -> l.addListeningIp(LOOPBACK).listeningPort(0).tlsListeningPort(0)
                            .noTcp(true).noTls(true).noDtls(true))
                    .auth(a -> a.realm(REALM))
                    .limits(l -> l.userQuota(2))
                    .relay(r -> r.minPort(base).maxPort(base + RelayPorts.SIZE - 1))
                    .cluster(c -> c.statsdb(redis.location().describe()).nodeId(id));
            more.accept(config);
            nodes.add(TurnServer.start(config.build()));
        }
        for (int i = 0; i < count; i++) {
            String key = "turnkit/node/node-" + i;
            awaitTrue(() -> ":1".equals(redis.call("EXISTS", key)), key + " registered");
        }
    }

    /** A new client (a new 5-tuple) asks node {@code node} for an allocation. */
    private TestTurnClient.Response allocate(int node) throws IOException {
        TestTurnClient client = TestTurnClient.udp(nodes.get(node).listeningAddresses(true).get(0), "alice",
                "wonderland");
        clients.add(client);
        return client.authenticated(StunMethod.ALLOCATE, udpTransport());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + SEEN_WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what + ": not within " + SEEN_WITHIN);
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private static Consumer<StunMessageEncoder> udpTransport() {
        return e -> e.addRequestedTransport(17);
    }
}
