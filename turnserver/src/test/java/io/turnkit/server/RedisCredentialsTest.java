package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.CredentialStores;
import io.turnkit.store.credential.RedisServer;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMethod;

/** A server whose users live in Redis (--redis-userdb) lets in users added by another process while it runs. */
class RedisCredentialsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String REALM = "turnkit.test";
    private static final Duration PROPAGATION = Duration.ofSeconds(2);
    /** Under AuthRateLimiter's 10 failures a minute, over the whole wait. */
    private static final Duration RETRY_EVERY = Duration.ofMillis(250);

    @TempDir
    Path temp;

    private RedisServer redis;
    private TurnServer server;
    private TestTurnClient client;

    @AfterEach
    void closeAll() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void shouldLetAUserAddedThroughAnotherStoreAllocateWithinTwoSeconds() throws IOException {
        redis = RedisServer.start(temp);
        int base = RelayPorts.randomBase();
        server = TurnServer.start(ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(LOOPBACK)
                .listeningPort(0).tlsListeningPort(0)
                .noTcp(true))
                .auth(au -> au.realm(REALM))
                .relay(rl -> rl.minPort(base)
                .maxPort(base + RelayPorts.SIZE - 1))
                .auth(au -> au.redisUserdb(redis.location().describe()))
                .build());
        client = TestTurnClient.udp(server.listeningAddresses(true).get(0), "alice", "wonderland");
        assertEquals(401, client.authenticated(StunMethod.ALLOCATE, udpTransport()).errorCode(), "no alice yet");

        try (CredentialStore admin = CredentialStores.open(redis.location())) {
            admin.putUser(UserKeys.fromPassword(REALM, "alice", "wonderland", Instant.now()));
        }

        long deadline = System.nanoTime() + PROPAGATION.toNanos();
        TestTurnClient.Response response = client.authenticated(StunMethod.ALLOCATE, udpTransport());
        while (!response.isSuccess() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(RETRY_EVERY.toNanos());
            response = client.authenticated(StunMethod.ALLOCATE, udpTransport());
        }
        assertTrue(response.isSuccess(), "still " + response + " " + PROPAGATION + " after the user was added");
    }

    @Test
    void shouldNotStartWhenRedisCannotBeReached() {
        int closedPort = RedisServer.unusedPort();
        ServerConfig config = ServerConfig.builder().listeners(ls -> ls.addListeningIp(LOOPBACK).listeningPort(0).tlsListeningPort(0)).auth(au -> au.realm(REALM)
                .redisUserdb("redis://127.0.0.1:" + closedPort + "/0")).build();

        ServerStartException e = assertThrows(ServerStartException.class, () -> server = TurnServer.start(config));

        assertEquals("cannot reach redis://127.0.0.1:" + closedPort + "/0: Connection refused", e.getMessage());
    }

    private static Consumer<StunMessageEncoder> udpTransport() {
        return e -> e.addRequestedTransport(17);
    }
}
