package io.turnkit.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.CredentialStores;
import io.turnkit.store.credential.RedisServer;

/**
 * A Redis outage in serve's log, with a real redis-server stopped and started again on its port: one line when
 * the connection goes, one when it is back, and none of the client library's lines for each reconnection attempt.
 */
class RedisOutageLogTest {
    /** Lettuce waits up to 30 s between reconnection attempts; the deadline only bounds a hang. */
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @Test
    void shouldLogOneLineWhenRedisGoesAndOneWhenItComesBack() throws Exception {
        RedisServer redis = RedisServer.start(dir);
        int port = redis.port();
        try (CredentialStore store = CredentialStores.open(redis.location())) {
            redis.close();
            awaitLog("Lost the connection to ");

            redis = RedisServer.startOn(dir, port);
            awaitLog("Connected to ");

            String log = log();
            assertEquals(1, count(log, "Lost the connection to "), log);
            assertEquals(1, count(log, "Connected to "), log);
            assertTrue(!log.contains("Reconnect") && !log.contains("reconnect to"), log);
            assertTrue(store.users().isEmpty());
        } finally {
            redis.close();
        }
    }

    private void awaitLog(String text) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!log().contains(text)) {
            assertTrue(System.nanoTime() - deadline < 0, () -> "no '" + text + "' in the log:\n" + log());
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private String log() {
        return console.err();
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
