package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The credential store contract, run against a real redis-server, emptied before each test. */
class RedisCredentialStoreContractTest extends CredentialStoreContract {
    @TempDir
    static Path dir;
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start(dir);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        assertEquals("+OK", redis.call("FLUSHALL"));
    }

    @Override
    StoreLocation location() {
        return redis.location();
    }

    @Override
    CredentialStore open(Clock clock) throws IOException {
        return RedisCredentialStore.open(location(), clock, RedisCredentialStore.RELOAD_INTERVAL);
    }
}
