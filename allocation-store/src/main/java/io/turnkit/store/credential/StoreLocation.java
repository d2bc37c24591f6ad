package io.turnkit.store.credential;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where credentials live: the embedded file (default) or Redis.
 *
 * <p>A Redis location is kept in one form, {@code redis://[USER@]HOST:PORT/DB} ({@code rediss://} with TLS),
 * whatever form it was given in; the password is held apart from the URI, so that {@link #describe()} and
 * {@link #toString()} can name the store in messages and logs without it.
 *
 * @param userdb        the credential file, or null for Redis
 * @param redisUri      the Redis server and database, without password, or null for the file
 * @param redisPassword the Redis password (AUTH), or null for none
 * @param redisTls      whether to reach Redis over TLS
 */
public record StoreLocation(Path userdb, URI redisUri, String redisPassword, boolean redisTls) {
    /** Redis's own port. */
    public static final int DEFAULT_REDIS_PORT = 6379;
    private static final String REDIS = "redis";
    private static final String REDIS_TLS = "rediss";
    private static final String EXPECTED = "expected redis://HOST[:PORT][/DB] (rediss:// for TLS) or coturn's "
            + "\"ip=HOST port=PORT dbname=DB password=PASSWORD\"";

    public StoreLocation {
        if ((userdb == null) == (redisUri == null)) {
            throw new IllegalArgumentException("a store is either a file or a Redis server");
        }
        if (redisUri != null && !redisUri.equals(canonical(redisUri, redisTls))) {
            throw new IllegalArgumentException("not in the form redis://[USER@]HOST:PORT/DB: " + redisUri.getHost());
        }
        if (userdb != null && (redisPassword != null || redisTls)) {
            throw new IllegalArgumentException("a Redis password or TLS makes no sense for a file");
        }
    }

    /** The embedded credential file at {@code userdb}. */
    public static StoreLocation file(Path userdb) {
        return new StoreLocation(Objects.requireNonNull(userdb, "userdb"), null, null, false);
    }

    /**
     * A Redis database: {@code redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]}, port 6379 and database 0 unless given;
     * {@code rediss://} means TLS, as does {@code tls}. {@code password}, when not null, replaces a password in the
     * URI.
     *
     * @throws IllegalArgumentException when the URI is not of that form; the message never repeats a password
     */
    public static StoreLocation redis(URI redisUri, String password, boolean tls) {
        String scheme = redisUri.getScheme() == null ? "" : redisUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals(REDIS) && !scheme.equals(REDIS_TLS) || redisUri.getHost() == null
                || redisUri.getQuery() != null || redisUri.getFragment() != null) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String userInfo = redisUri.getUserInfo();
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        String uriPassword = colon < 0 ? null : userInfo.substring(colon + 1);
        String chosen = password != null ? password : uriPassword;
        boolean secure = tls || scheme.equals(REDIS_TLS);
        return new StoreLocation(null, canonical(redisUri, secure), chosen == null || chosen.isEmpty() ? null : chosen,
                secure);
    }

    /**
     * A Redis database given as {@code redis://…} / {@code rediss://…} (see {@link #redis(URI, String, boolean)}),
     * or as coturn's {@code --redis-userdb} value: {@code "ip=HOST dbname=DB password=PASSWORD port=PORT
     * connect_timeout=SECONDS"}, every field optional (host 127.0.0.1), {@code connect_timeout} read and not used.
     * {@code password}, when not null, replaces a password in {@code value}.
     *
     * @throws IllegalArgumentException naming the expected forms; the message never repeats a password
     */
    public static StoreLocation parseRedis(String value, String password, boolean tls) {
        String text = value == null ? "" : value.strip();
        if (text.contains("://")) {
            try {
                return redis(new URI(text), password, tls);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(EXPECTED, e);
            }
        }
        String host = "127.0.0.1";
        int port = DEFAULT_REDIS_PORT;
        int database = 0;
        String coturnPassword = null;
        for (String field : text.split("\\s+")) {
            int equals = field.indexOf('=');
            String key = equals < 0 ? field : field.substring(0, equals).toLowerCase(Locale.ROOT);
            String fieldValue = field.substring(equals + 1);
            switch (equals < 0 ? "" : key) {
                case "ip", "host" -> host = fieldValue;
                case "port" -> port = number(fieldValue, 1, 65535, "port");
                case "dbname", "database" -> database = number(fieldValue, 0, Integer.MAX_VALUE, "dbname");
                case "password" -> coturnPassword = fieldValue;
                case "connect_timeout" -> number(fieldValue, 0, Integer.MAX_VALUE, "connect_timeout");
                default -> throw new IllegalArgumentException(EXPECTED
                        + (equals < 0 ? "" : ", not the field '" + key + "'"));
            }
        }
        try {
            URI uri = new URI(REDIS, null, host, port, "/" + database, null, null);
            return redis(uri, password != null ? password : coturnPassword, tls);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(EXPECTED, e);
        }
    }

    /** Whether the credentials live in Redis rather than in the file. */
    public boolean isRedis() {
        return redisUri != null;
    }

    /** {@code file /path} or {@code redis://host:port/db}: names the store in messages, never with the password. */
    public String describe() {
        return isRedis() ? redisUri.toString() : "file " + userdb;
    }

    /** The same as {@link #describe()}: a location may be logged, its password may not. */
    @Override
    public String toString() {
        return describe();
    }

    /** The database number, from the URI's path. */
    int redisDatabase() {
        return Integer.parseInt(redisUri.getPath().substring(1));
    }

    /** The ACL user name of the URI, or null for Redis's default user. */
    String redisUser() {
        return redisUri.getUserInfo();
    }

    /** {@code redis[s]://[USER@]HOST:PORT/DB}: the URI without password, with the defaults written out. */
    private static URI canonical(URI uri, boolean tls) {
        String userInfo = uri.getUserInfo();
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        String path = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/") ? "/0"
                : uri.getPath();
        int database = number(path.substring(1), 0, Integer.MAX_VALUE, "database number");
        try {
            return new URI(tls ? REDIS_TLS : REDIS, user == null || user.isEmpty() ? null : user,
                    uri.getHost(), uri.getPort() < 0 ? DEFAULT_REDIS_PORT : uri.getPort(), "/" + database, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(EXPECTED, e);
        }
    }

    private static int number(String value, int min, int max, String name) {
        boolean digits = !value.isEmpty() && value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9');
        long number = digits ? Long.parseLong(value) : -1;
        if (number < min || number > max) {
            throw new IllegalArgumentException("expected a " + name + " " + min + "-" + max + ", got '" + value + "'");
        }
        return (int) number;
    }
}
