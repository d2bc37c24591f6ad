package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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

import io.turnkit.server.auth.RestApiCredentials;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.CredentialStores;
import io.turnkit.store.credential.RedisServer;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
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
    void shouldCloseADeletedUsersTcpAllocationsOnEveryNodeWithinTwoSeconds() throws IOException {
        redis = RedisServer.start(temp);
        List<InetSocketAddress> relayed = new ArrayList<>();
        try (CredentialStore users = CredentialStores.open(redis.location())) {
            users.putUser(UserKeys.fromPassword(REALM, "alice", "wonderland", Instant.now()));
            startNodes(2, builder -> builder.listeners(l -> l.noTcp(false))
                    .auth(a -> a.redisUserdb(redis.location().describe())));
            for (int node = 0; node < 2; node++) {
                relayed.add(allocateTcp(node, "alice", "wonderland"));
                assertTrue(peerConnects(relayed.get(node)), "a peer reaches the TCP relay of node " + node);
            }

            users.deleteUser(REALM, "alice");
        }

        for (int node = 0; node < 2; node++) {
            InetSocketAddress relay = relayed.get(node);
            awaitWithinTwoSeconds(() -> !peerConnects(relay), "alice's TCP relay on node " + node + " still listens");
            assertEquals(1, nodes.get(node).counters().get(ServerCounter.ALLOCATIONS_DELETED));
        }
    }

    @Test
    void shouldCloseTheAllocationsOfADeletedRestApiSecretOnEveryNodeWithinTwoSeconds() throws IOException {
        redis = RedisServer.start(temp);
        TestTurnClient kept;
        InetSocketAddress revokedTcpRelay;
        try (CredentialStore secrets = CredentialStores.open(redis.location())) {
            secrets.addSecret(REALM, "old secret");
            secrets.addSecret(REALM, "new secret");
            startNodes(2, builder -> builder.listeners(l -> l.noTcp(false))
                    .auth(a -> a.useAuthSecret(true).redisUserdb(redis.location().describe())));
            String bob = restApiUsername("bob");
            TestTurnClient revokedUdp = client(TestTurnClient.udp(nodes.get(0).listeningAddresses(true).get(0), bob,
                    RestApiCredentials.password("old secret", bob)));
            assertTrue(revokedUdp.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
            String carol = restApiUsername("carol");
            revokedTcpRelay = allocateTcp(1, carol, RestApiCredentials.password("old secret", carol));
            String dave = restApiUsername("dave");
            kept = client(TestTurnClient.udp(nodes.get(1).listeningAddresses(true).get(0), dave,
                    RestApiCredentials.password("new secret", dave)));
            assertTrue(kept.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());

            assertTrue(secrets.deleteSecret(REALM, "old secret"));
        }

        for (int node = 0; node < 2; node++) {
            ServerCounters counters = nodes.get(node).counters();
            awaitWithinTwoSeconds(() -> counters.get(ServerCounter.ALLOCATIONS_DELETED) == 1,
                    "the allocation signed with the deleted secret on node " + node + " still open");
        }
        // The relay's listening socket closes on its event loop after the allocation is counted deleted.
        awaitWithinTwoSeconds(() -> !peerConnects(revokedTcpRelay),
                "the TCP relay signed with the deleted secret still listens");
        TestTurnClient.Response refresh = kept.authenticated(StunMethod.REFRESH, e -> { });
        assertTrue(refresh.isSuccess(), "the allocation of the secret kept lives on (no 437): " + refresh);
        assertEquals(1, nodes.get(1).counters().get(ServerCounter.ALLOCATIONS_DELETED),
                "only the revoked one of node 1's two allocations was closed");
    }

    @Test
    void shouldShowEveryNodesSessionsInTheAdminApiUntilTheirNodeLeaves() throws Exception {
        redis = RedisServer.start(temp);
        Path token = temp.resolve("token");
        Files.writeString(token, "admin-token\n");
        startNodes(2, builder -> builder.auth(a -> a.user("alice", "wonderland"))
                .admin(a -> a.webAdmin(true).webAdminPort(0).tokenFile(token)));
        TestTurnClient.Response here = allocate(0);
        TestTurnClient.Response there = allocate(1);
        String ownSession = "{\"id\":" + here.address(StunAttributeType.XOR_RELAYED_ADDRESS).getPort()
                + ",\"node\":\"node-0\",\"user\":\"alice\"";
        String otherSession = "{\"id\":" + there.address(StunAttributeType.XOR_RELAYED_ADDRESS).getPort()
                + ",\"node\":\"node-1\",\"user\":\"alice\"";

        awaitTrue(() -> adminSessions(0).contains(otherSession), "node-1's session in node-0's /api/sessions");
        assertTrue(adminSessions(0).contains(ownSession), adminSessions(0));
        long ttl = Long.parseLong(redis.call("PTTL", "turnkit/sessions/node-1").substring(1));
        assertTrue(ttl > 0 && ttl <= 6000, "a node's sessions live the registration's 6 s unless rewritten: " + ttl);

        nodes.get(1).close();

        assertTrue(!adminSessions(0).contains("node-1"), "a node that left takes its sessions out of the registry");
    }

    /** {@code GET /api/sessions} of node {@code node}'s admin interface. */
    private String adminSessions(int node) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + nodes.get(node).adminAddress().getPort() + "/api/sessions"))
                    .header("Authorization", "Bearer admin-token").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
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

    /** A new TCP client of node {@code node} makes a TCP allocation (RFC 6062) and keeps it; its relayed address. */
    private InetSocketAddress allocateTcp(int node, String username, String password) throws IOException {
        TestTurnClient control = client(TestTurnClient.tcp(nodes.get(node).listeningAddresses(false).get(0), username,
                password));
        TestTurnClient.Response allocated = control.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_TCP));
        assertTrue(allocated.isSuccess(), allocated.toString());
        return allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS);
    }

    private TestTurnClient client(TestTurnClient client) {
        clients.add(client);
        return client;
    }

    /** Whether a peer's TCP connection to {@code relayed} is taken: the relay still listens. */
    private static boolean peerConnects(InetSocketAddress relayed) {
        try (Socket peer = new Socket()) {
            peer.connect(relayed, (int) POLL.toMillis());
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** A TURN REST API username of {@code user}, good for an hour. */
    private static String restApiUsername(String user) {
        return RestApiCredentials.username(Instant.now().getEpochSecond() + 3600, ':', user);
    }

    /** Revocation's promise (docs/cluster.md): every node closes what it revoked within 2 s. */
    private static void awaitWithinTwoSeconds(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what + " 2 s after the deletion");
            LockSupport.parkNanos(POLL.toNanos());
        }
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
