package io.turnkit.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.turnkit.store.credential.StoreLocation;

/**
 * Who may allocate: the long-term credential mechanism (RFC 8489 §9.2), its realm and nonces, static users, TURN
 * REST API secrets and where users and secrets are kept. The mechanism is always on: turnkit has no
 * unauthenticated relay, so coturn's {@code lt-cred-mech} is no setting here.
 *
 * @param realm             {@code realm}: the REALM of the long-term credential mechanism, by default the host
 *                          name
 * @param users             {@code user NAME:PASSWORD}: static users and their passwords
 * @param userKeys          {@code user NAME:0xKEY}: static users given by their 16-byte long-term key
 * @param useAuthSecret     {@code use-auth-secret}: TURN REST API credentials (user name {@code EXPIRY:USER},
 *                          password an HMAC of it); a {@code static-auth-secret} turns it on, as in coturn
 * @param staticAuthSecrets {@code static-auth-secret}: the REST API shared secrets, any of which may have signed a
 *                          password
 * @param restApiSeparator  {@code rest-api-separator}: the character between expiry and user id in a REST API
 *                          user name
 * @param staleNonce        {@code stale-nonce}: how long a nonce stays good (RFC 8489 §9.2)
 * @param userdb            {@code userdb}: the file holding users and REST API secrets, unless {@code
 *                          redis-userdb} is given
 * @param credentialStore   where users and REST API secrets live: the Redis database of {@code redis-userdb} (with
 *                          {@code redis-password} and {@code redis-tls}) when given, else the {@code userdb} file
 */
public record Auth(String realm, Map<String, String> users, Map<String, byte[]> userKeys,
        boolean useAuthSecret, List<String> staticAuthSecrets, char restApiSeparator, Duration staleNonce,
        Path userdb, StoreLocation credentialStore) {
    /** RFC 8489 §9.2: how long a nonce is good before a 438 (Stale Nonce); coturn's stale-nonce default. */
    public static final Duration DEFAULT_STALE_NONCE = Duration.ofSeconds(600);
    /** The TURN REST API's separator between expiry timestamp and user id in a user name. */
    public static final char DEFAULT_REST_API_SEPARATOR = ':';

    /** RFC 8489 §14.3: USERNAME is under 509 bytes of UTF-8. */
    private static final int MAX_USERNAME_BYTES = 508;
    /** RFC 8489 §9.2.2: the long-term key is MD5(username ":" realm ":" password), 16 bytes. */
    private static final int USER_KEY_BYTES = 16;

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public Auth {
        checkRealm(realm);
        users.forEach((name, password) -> {
            userName(name);
            if (password == null || password.isEmpty()) {
                throw Check.wrong("user", "a password for user '" + name + "'", "none");
            }
        });
        userKeys.forEach((name, key) -> {
            userName(name);
            if (key == null || key.length != USER_KEY_BYTES) {
                throw Check.wrong("user", "a " + USER_KEY_BYTES + "-byte key for user '" + name + "'",
                        key == null ? "none" : key.length + " bytes");
            }
        });
        staticAuthSecrets.forEach(secret -> Check.secret("static-auth-secret", secret));
        if (Character.isWhitespace(restApiSeparator) || Character.isISOControl(restApiSeparator)) {
            throw Check.wrong("rest-api-separator", "a printable character",
                    "U+" + String.format("%04X", (int) restApiSeparator));
        }
        Check.seconds("stale-nonce", staleNonce);
        Check.required("userdb", userdb, "a file");
        // coturn: a REST API secret turns REST API credentials on.
        useAuthSecret = useAuthSecret || !staticAuthSecrets.isEmpty();
        users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
        userKeys = copy(userKeys);
        staticAuthSecrets = List.copyOf(staticAuthSecrets);
    }

    /**
     * Checks a realm as the configuration does, for commands that take one without a configuration.
     *
     * @throws IllegalArgumentException "realm: expected 1 to 127 characters, got …"
     */
    public static void checkRealm(String realm) {
        Check.text("realm", realm, false);
    }

    private static void userName(String name) {
        int bytes = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_USERNAME_BYTES) {
            throw Check.wrong("user", "a user name of 1 to " + MAX_USERNAME_BYTES + " bytes", bytes + " bytes");
        }
    }

    private static Map<String, byte[]> copy(Map<String, byte[]> keys) {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        keys.forEach((name, key) -> copy.put(name, key.clone()));
        return Collections.unmodifiableMap(copy);
    }

    /** The static users' keys, a copy the caller may change. */
    @Override
    public Map<String, byte[]> userKeys() {
        return copy(userKeys);
    }

    /** {@code $HOME/.local/share/turnkit/userdb}: where users and secrets live unless {@code --userdb} says. */
    public static Path defaultUserdb() {
        String home = System.getenv("HOME");
        return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home,
                ".local", "share", "turnkit", "userdb");
    }

    /** Every setting, with user names but no password, key or secret. */
    @Override
    public String toString() {
        return "Auth{realm=" + realm + ", users=" + users.keySet() + ", userKeys="
                + userKeys.keySet() + ", useAuthSecret=" + useAuthSecret + ", staticAuthSecrets="
                + staticAuthSecrets.size() + " secret(s), restApiSeparator=" + restApiSeparator + ", staleNonce="
                + staleNonce.toSeconds() + "s, credentialStore=" + credentialStore + "}";
    }

    /** Collects the authentication settings; {@link #build()} checks them. */
    public static final class Builder {
        private String realm;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, byte[]> userKeys = new LinkedHashMap<>();
        private boolean useAuthSecret;
        private final List<String> staticAuthSecrets = new ArrayList<>();
        private char restApiSeparator = DEFAULT_REST_API_SEPARATOR;
        private Duration staleNonce = DEFAULT_STALE_NONCE;
        private Path userdb = defaultUserdb();
        private String redisUserdb;
        private String redisPassword;
        private boolean redisTls;

        Builder() {
        }

        /** The realm (RFC 8489 §14.9: under 128 characters); the host name when none is given. */
        public Builder realm(String text) {
            realm = text;
            return this;
        }

        /** Adds (or replaces) a static user with a password. */
        public Builder user(String name, String password) {
            userKeys.remove(name);
            users.put(name, password);
            return this;
        }

        /** Adds (or replaces) a static user with its 16-byte long-term key, MD5(name:realm:password). */
        public Builder userKey(String name, byte[] key) {
            users.remove(name);
            userKeys.put(name, key == null ? null : key.clone());
            return this;
        }

        public Builder useAuthSecret(boolean on) {
            useAuthSecret = on;
            return this;
        }

        public Builder addStaticAuthSecret(String secret) {
            staticAuthSecrets.add(secret);
            return this;
        }

        public Builder restApiSeparator(char separator) {
            restApiSeparator = separator;
            return this;
        }

        public Builder staleNonce(Duration lifetime) {
            staleNonce = lifetime;
            return this;
        }

        public Builder userdb(Path file) {
            userdb = file;
            return this;
        }

        /**
         * Keeps users and secrets in Redis instead of the file: {@code redis://HOST[:PORT][/DB]}, {@code rediss://…}
         * for TLS, coturn's {@code "ip=HOST port=PORT dbname=DB password=PASSWORD"}, or the Sentinel and Redis
         * Cluster forms ({@link StoreLocation#redis}).
         */
        public Builder redisUserdb(String value) {
            redisUserdb = value;
            return this;
        }

        /** The Redis password; it replaces one inside the {@code redis-userdb} value. */
        public Builder redisPassword(String password) {
            redisPassword = password;
            return this;
        }

        /** Reaches Redis over TLS when on ({@code rediss://} asks for it as well). */
        public Builder redisTls(boolean on) {
            redisTls = on;
            return this;
        }

        public Auth build() {
            return new Auth(realm != null ? realm : localHostName(), users, userKeys, useAuthSecret,
                    staticAuthSecrets, restApiSeparator, staleNonce, userdb, credentialStore());
        }

        /**
         * Redis when {@code redis-userdb} is given (a {@code userdb} is then not read), else the file. A password
         * alone is no mistake: it may come from the environment for whichever command needs it.
         */
        private StoreLocation credentialStore() {
            Check.secret("redis-password", redisPassword);
            if (redisUserdb != null) {
                try {
                    return StoreLocation.parseRedis(redisUserdb, redisPassword, redisTls);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("redis-userdb: " + e.getMessage(), e);
                }
            }
            if (redisTls) {
                throw new IllegalArgumentException("redis-tls needs redis-userdb");
            }
            return StoreLocation.file(Check.required("userdb", userdb, "a file"));
        }

        private static String localHostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                // The host name does not resolve (a bare container); a realm is set explicitly there anyway.
                return "localhost";
            }
        }
    }
}
