package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.store.cluster.RedisCluster;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.CredentialStores;
import io.turnkit.store.credential.RedisCertificate;
import io.turnkit.store.credential.RedisClusterServers;
import io.turnkit.store.credential.RedisServer;
import io.turnkit.store.credential.StoreLocation;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMethod;

/**
 * Two in-process nodes whose users (--redis-userdb) and cluster state (--redis-statsdb) are in a Redis reached
 * through a real Redis Sentinel, in a real three-master Redis Cluster, or in one real Redis that asks for a password
 * or is reached over TLS: users are read, the quota counts across the nodes, the session registry lists both nodes'
 * allocations, and deleting a user closes them on both.
 */
class ClusterTopologiesTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String REALM = "turnkit.test";
    private static final String MASTER = "turnkit-master";
    private static final String REDIS_PASSWORD = "cluster-s3cret";
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(10);
    /** Revocation's promise (docs/cluster.md). */
    private static final Duration REVOKED_WITHIN = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path temp;

    private final List<AutoCloseable> redis = new ArrayList<>();
    private final List<TurnServer> nodes = new ArrayList<>();
    private final List<TestTurnClient> clients = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (TestTurnClient client : clients) {
            client.close();
        }
        nodes.forEach(TurnServer::close);
        for (int i = redis.size() - 1; i >= 0; i--) {
            redis.get(i).close();
        }
    }

    @Test
    void shouldShareUsersQuotaAndRevocationThroughASentinel() throws IOException {
        RedisServer master = started(RedisServer.start(temp));
        RedisServer sentinel = started(RedisServer.startSentinel(temp, MASTER, master.port()));

        shouldShareUsersQuotaAndRevocation("redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#" + MASTER,
                "turnkit/node/", master::call);
    }

    @Test
    void shouldShareUsersQuotaAndRevocationOnARedisCluster() throws IOException {
        RedisClusterServers cluster = started(RedisClusterServers.start(temp));

        shouldShareUsersQuotaAndRevocation(cluster.location().describe(), "{turnkit}/node/", cluster::call);
        assertEquals(":0", cluster.call("EXISTS", "turnkit/node/node-0"), "no key outside the {turnkit} hash slot");
    }

    @Test
    void shouldShareUsersQuotaAndRevocationWithAPassword() throws IOException {
        RedisServer server = started(RedisServer.start(temp, "--requirepass", REDIS_PASSWORD));
        assertTrue(server.call("EXISTS", "turnkit/nonce-secret").startsWith("-NOAUTH"), "Redis asks for the password");

        // The password in the URI, as docs/cluster.md writes it (--redis-password is --redis-userdb's only).
        shouldShareUsersQuotaAndRevocation("redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + server.port() + "/0",
                "turnkit/node/", command -> server.callWithPassword(REDIS_PASSWORD, command));
    }

    @Test
    void shouldShareUsersQuotaAndRevocationOverTls() throws Exception {
        RedisCertificate certificate = RedisCertificate.create(temp.resolve("certificate"));
        RedisServer server = started(RedisServer.startWithTls(temp, certificate));

        // A private CA is trusted the documented way (docs/cluster.md, configuration.md): the JVM's trust store.
        certificate.whileTrustedByTheJvm(() -> shouldShareUsersQuotaAndRevocation(
                server.tlsLocation().describe(), "turnkit/node/", server::call));
    }

    /**
     * alice, with a quota of 2, gets one allocation on each node and is refused a third; deleted, she loses both.
     * {@code database} is the user database and the cluster's, as an operator writes it; {@code call} sends a
     * command to the Redis holding a key; node keys start with {@code nodePrefix}.
     */
    private void shouldShareUsersQuotaAndRevocation(String database, String nodePrefix,
            Function<String[], String> call) throws IOException {
        StoreLocation location = StoreLocation.parseRedis(database, null, false);
        try (CredentialStore users = CredentialStores.open(location)) {
            users.putUser(UserKeys.fromPassword(REALM, "alice", "wonderland", Instant.now()));
            startNodes(2, database);
            for (int i = 0; i < 2; i++) {
                String key = nodePrefix + "node-" + i;
                awaitTrue(() -> ":1".equals(call.apply(new String[] {"EXISTS", key})), key + " registered");
            }

            assertTrue(allocate(0).isSuccess(), "alice, read from Redis, allocates on node 0");
            assertTrue(allocate(1).isSuccess(), "and on node 1");
            try (RedisCluster observer = RedisCluster.observe(location)) {
                awaitTrue(() -> observer.sessions().size() == 2, "both nodes' sessions in the registry");
            }
            TestTurnClient.Response third = allocate(0);
            assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, third.errorCode(), "the quota of 2 counts both "
                    + "nodes: " + third);

            assertTrue(users.deleteUser(REALM, "alice"));
        }
        long deadline = System.nanoTime() + REVOKED_WITHIN.toNanos();
        for (TurnServer node : nodes) {
            while (node.counters().get(ServerCounter.ALLOCATIONS_DELETED) == 0) {
                assertTrue(System.nanoTime() - deadline < 0, "alice's allocation open 2 s after her deletion");
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    private <T extends AutoCloseable> T started(T server) {
        redis.add(server);
        return server;
    }

    /** Starts {@code count} nodes named node-0…, users and cluster state in {@code database}, a user quota of 2. */
    private void startNodes(int count, String database) {
        for (int i = 0; i < count; i++) {
            int base = RelayPorts.randomBase();
            String id = "node-" + i;
            nodes.add(TurnServer.start(ServerConfig.builder()
                    .listeners(l -> l.addListeningIp(LOOPBACK).listeningPort(0).tlsListeningPort(0)
                            .noTcp(true).noTls(true).noDtls(true))
                    .auth(a -> a.realm(REALM).redisUserdb(database))
                    .limits(l -> l.userQuota(2))
                    .relay(r -> r.minPort(base).maxPort(base + RelayPorts.SIZE - 1))
                    .cluster(c -> c.statsdb(database).nodeId(id))
                    .build()));
        }
    }

    /** A new client (a new 5-tuple) asks node {@code node} for an allocation. */
    private TestTurnClient.Response allocate(int node) throws IOException {
        TestTurnClient client = TestTurnClient.udp(nodes.get(node).listeningAddresses(true).get(0), "alice",
                "wonderland");
        clients.add(client);
        return client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + SEEN_WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what + ": not within " + SEEN_WITHIN);
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}
