package io.turnkit.store.credential;

import static io.turnkit.store.credential.CredentialStoreContract.REALM;
import static io.turnkit.store.credential.CredentialStoreContract.awaitPresent;
import static io.turnkit.store.credential.CredentialStoreContract.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lettuce.core.RedisConnectionException;

/** What only the Redis store does: coturn's key layout, passwords, TLS, and a Redis that is away. */
class RedisCredentialStoreTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    private RedisServer redis;

    @AfterEach
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    private RedisServer redis(String... options) {
        redis = RedisServer.start(dir, options);
        return redis;
    }

    @Test
    void shouldWriteCoturnsKeyForAUser() throws IOException {
        RedisServer server = redis();
        try (CredentialStore store = CredentialStores.open(server.location())) {
            store.putUser(user("gorst"));
        }

        assertEquals(HEX.formatHex(user("gorst").md5Key()),
                server.call("GET", "turn/realm/example.org/user/gorst/key"));
    }

    @Test
    void shouldReadUsersAndSecretsWrittenByCoturn() throws IOException {
        RedisServer server = redis();
        String gorstKey = "7da2270ccfa49786e0115366d3a3d14d";
        server.call("SET", "turn/realm/north.gov/user/gorst/key", gorstKey);
        server.call("SET", "turn/realm/north.gov/user/gorst/password", "hero");
        server.call("SET", "turn/realm/north.gov/secret/1368426581", "logen");
        server.call("SET", "turn/realm/north.gov/max-bps", "500000");

        try (CredentialStore store = CredentialStores.open(server.location())) {
            UserKeys gorst = store.user("north.gov", "gorst").orElseThrow();
            assertEquals(gorstKey, HEX.formatHex(gorst.md5Key()));
            assertEquals(Instant.EPOCH, gorst.added());
            assertEquals(List.of("logen"), store.secrets("north.gov"));
        }
    }

    @Test
    void shouldPickUpAChangeMadeWithoutAMessageAtTheNextTimedLoad() throws IOException {
        RedisServer server = redis();
        try (CredentialStore store = RedisCredentialStore.open(server.location(), Clock.systemUTC(),
                Duration.ofMillis(100))) {
            server.call("SET", "turn/realm/example.org/user/gorst/key", HEX.formatHex(user("gorst").md5Key()));

            assertTrue(awaitPresent(() -> store.user(REALM, "gorst")).isPresent());
        }
    }

    @Test
    void shouldRefuseAMalformedKeyNamingIt() {
        RedisServer server = redis();
        server.call("SET", "turn/realm/example.org/user/gorst/key", "not hex");

        IOException e = assertThrows(IOException.class, () -> CredentialStores.open(server.location()));

        assertEquals("cannot read " + server.location().describe()
                + ": turn/realm/example.org/user/gorst/key: expected 32 hex digits", e.getMessage());
    }

    @Test
    void shouldSayQuicklyThatRedisCannotBeReached() {
        int closedPort = RedisServer.unusedPort();
        StoreLocation nowhere = StoreLocation.redis(URI.create("redis://127.0.0.1:" + closedPort + "/0"), null, false);
        long start = System.nanoTime();

        IOException e = assertThrows(IOException.class, () -> CredentialStores.open(nowhere));

        assertEquals("cannot reach redis://127.0.0.1:" + closedPort + "/0: Connection refused", e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
    }

    @Test
    void shouldSayWhatTheSystemSaysWithoutTheNativeCallBeforeIt() {
        RedisConnectionException refused = new RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>",
                new ConnectException("finishConnect(..) failed with error(-111): Connection refused"));

        assertEquals("Connection refused", RedisCredentialStore.reason(refused));
    }

    @Test
    void shouldLogInWithThePassword() throws IOException {
        RedisServer server = redis("--requirepass", "s3cret pass");
        StoreLocation withPassword = StoreLocation.redis(server.location().redisUri(), "s3cret pass", false);
        try (CredentialStore store = CredentialStores.open(withPassword)) {
            store.putUser(user("alice"));
        }

        try (CredentialStore reopened = CredentialStores.open(withPassword)) {
            assertEquals(user("alice"), reopened.user(REALM, "alice").orElseThrow());
        }
    }

    @Test
    void shouldSayThatThePasswordIsWrongWithoutRepeatingIt() {
        RedisServer server = redis("--requirepass", "s3cret");
        StoreLocation wrongPassword = StoreLocation.redis(server.location().redisUri(), "wrong-guess", false);

        IOException e = assertThrows(IOException.class, () -> CredentialStores.open(wrongPassword));

        assertTrue(e.getMessage().startsWith("cannot reach " + server.location().describe() + ": WRONGPASS"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("wrong-guess") && !e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void shouldSayThatAPasswordIsNeeded() {
        RedisServer server = redis("--requirepass", "s3cret");

        IOException e = assertThrows(IOException.class, () -> CredentialStores.open(server.location()));

        assertEquals("cannot reach " + server.location().describe() + ": Redis asks for a password (NOAUTH)",
                e.getMessage());
    }

    @Test
    void shouldWorkOverTlsWithACertificateTheJvmTrusts() throws Exception {
        RedisCertificate certificate = RedisCertificate.create(dir);
        redis = RedisServer.startWithTls(dir, certificate);
        certificate.whileTrustedByTheJvm(() -> {
            try (CredentialStore store = CredentialStores.open(redis.tlsLocation())) {
                store.putUser(user("alice"));
            }
        });

        assertEquals(HEX.formatHex(user("alice").md5Key()), redis.call("GET", "turn/realm/example.org/user/alice/key"));
    }

    @Test
    void shouldRefuseATlsServerWhoseCertificateIsNotTrusted() throws Exception {
        redis = RedisServer.startWithTls(dir, RedisCertificate.create(dir));

        IOException e = assertThrows(IOException.class, () -> CredentialStores.open(redis.tlsLocation()));

        assertTrue(e.getMessage().startsWith("cannot reach " + redis.tlsLocation().describe() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("certification path"), e.getMessage());
    }

    @Test
    void shouldKeepServingTheLastCredentialsWhenRedisGoesAway() throws IOException {
        RedisServer server = redis();
        try (RedisCredentialStore store = RedisCredentialStore.open(server.location())) {
            store.putUser(user("alice"));
            server.close();

            store.reload();

            assertEquals(user("alice"), store.user(REALM, "alice").orElseThrow());
        }
    }
}
