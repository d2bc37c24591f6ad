package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credential store contract, run against a real redis-server found through a real Redis Sentinel
 * (redis-sentinel://…#MASTER), emptied before each test.
 */
class RedisSentinelCredentialStoreContractTest extends CredentialStoreContract {
    private static final String MASTER = "turnkit-master";
    @TempDir
    static Path dir;
    private static RedisServer master;
    private static RedisServer sentinel;

    @BeforeAll
    static void startRedis() {
        master = RedisServer.start(dir);
        sentinel = RedisServer.startSentinel(dir, MASTER, master.port());
    }

    @AfterAll
    static void stopRedis() {
        sentinel.close();
        master.close();
    }

    @BeforeEach
    void emptyRedis() {
        assertEquals("+OK", master.call("FLUSHALL"));
    }

    @Override
    StoreLocation location() {
        return StoreLocation.redis(URI.create("redis-sentinel://127.0.0.1:" + sentinel.port() + "/0#" + MASTER),
                null, false);
    }

    @Override
    CredentialStore open(Clock clock) throws IOException {
        return RedisCredentialStore.open(location(), clock, RedisCredentialStore.RELOAD_INTERVAL);
    }

    @Test
    void shouldGiveThePasswordToTheMasterAndNotToTheSentinels() throws IOException {
        String master = "guarded";
        try (RedisServer guarded = RedisServer.start(dir.resolve(master), "--requirepass", "m4sterpass");
                RedisServer open = RedisServer.startSentinel(dir.resolve(master), master, guarded.port(),
                        "sentinel auth-pass " + master + " m4sterpass");
                CredentialStore store = RedisCredentialStore.open(StoreLocation.redis(URI.create(
                        "redis-sentinel://127.0.0.1:" + open.port() + "/0#" + master), "m4sterpass", false))) {
            store.putUser(user("alice"));

            assertEquals(user("alice"), store.user(REALM, "alice").orElseThrow());
        }
    }

    @Test
    void shouldWriteToTheMasterTheSentinelNames() throws IOException {
        UserKeys alice = user("alice");
        try (CredentialStore store = open()) {
            assertTrue(store.addUser(alice));
        }

        assertEquals(HexFormat.of().formatHex(alice.md5Key()),
                master.call("GET", "turn/realm/" + REALM + "/user/alice/key"));
    }
}
