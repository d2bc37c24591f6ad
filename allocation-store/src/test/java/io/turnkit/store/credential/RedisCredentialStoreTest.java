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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lettuce.core.RedisConnectionException;

/** What only the Redis store does: coturn's key layout, passwords, TLS, and a Redis that is away. */
class RedisCredentialStoreTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String STORE_PASSWORD = "changeit";

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
        Path keyStore = selfSignedKeyStore();
        redis = RedisServer.startWithTls(dir, pem(keyStore, "CERTIFICATE"), pem(keyStore, "PRIVATE KEY"));
        Map<String, String> trust = Map.of("javax.net.ssl.trustStore", keyStore.toString(),
                "javax.net.ssl.trustStorePassword", STORE_PASSWORD, "javax.net.ssl.trustStoreType", "PKCS12");
        Map<String, String> before = new HashMap<>();
        trust.forEach((name, value) -> before.put(name, System.setProperty(name, value)));
        try (CredentialStore store = CredentialStores.open(redis.tlsLocation())) {
            store.putUser(user("alice"));
        } finally {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }

        assertEquals(HEX.formatHex(user("alice").md5Key()), redis.call("GET", "turn/realm/example.org/user/alice/key"));
    }

    @Test
    void shouldRefuseATlsServerWhoseCertificateIsNotTrusted() throws Exception {
        Path keyStore = selfSignedKeyStore();
        redis = RedisServer.startWithTls(dir, pem(keyStore, "CERTIFICATE"), pem(keyStore, "PRIVATE KEY"));

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

    /** A PKCS12 key store holding an EC key and a certificate for 127.0.0.1, made by the JDK's keytool. */
    private Path selfSignedKeyStore() throws IOException, InterruptedException {
        Path keyStore = dir.resolve("redis.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "redis", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        boolean exited = process.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertTrue(exited && process.exitValue() == 0, () -> "keytool failed: " + read(dir.resolve("keytool.log")));
        return keyStore;
    }

    /** The key store's certificate or private key as a PEM file, the form redis-server reads. */
    private Path pem(Path keyStore, String type) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(keyStore.toFile(), STORE_PASSWORD.toCharArray());
        byte[] der = type.equals("CERTIFICATE") ? store.getCertificate("redis").getEncoded()
                : store.getKey("redis", STORE_PASSWORD.toCharArray()).getEncoded();
        Path file = dir.resolve(type.toLowerCase(Locale.ROOT).replace(' ', '-') + ".pem");
        Files.writeString(file, "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n", StandardCharsets.US_ASCII);
        return file;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
