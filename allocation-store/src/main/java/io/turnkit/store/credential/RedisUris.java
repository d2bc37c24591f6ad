package io.turnkit.store.credential;

import java.time.Duration;
import java.util.Locale;

import io.lettuce.core.RedisURI;

/**
 * Lettuce's form of a Redis location: what every turnkit connection to Redis is made from, so that the user
 * database and the cluster's database are reached the same way (password, ACL user, TLS, client name).
 */
public final class RedisUris {
    private static final String SENTINEL = "redis-sentinel://";
    private static final String CLIENT_NAME = "turnkit";

    private RedisUris() {
    }

    /** The Redis server of {@code location}, each command failing after {@code timeout}. */
    public static RedisURI of(StoreLocation location, Duration timeout) {
        RedisURI.Builder uri = RedisURI.builder()
                .withHost(location.redisUri().getHost())
                .withPort(location.redisUri().getPort())
                .withDatabase(location.redisDatabase())
                .withSsl(location.redisTls())
                .withClientName(CLIENT_NAME)
                .withTimeout(timeout);
        if (location.redisPassword() != null && location.redisUser() != null) {
            uri.withAuthentication(location.redisUser(), location.redisPassword());
        } else if (location.redisPassword() != null) {
            // AUTH with the password alone: what Redis before 6 (no ACL users) understands.
            uri.withPassword(location.redisPassword());
        }
        return uri.build();
    }

    /**
     * A Redis location as {@code --redis-userdb} takes it ({@link StoreLocation#parseRedis}), or a Sentinel one,
     * {@code redis-sentinel://[PASSWORD@]HOST[:PORT][,HOST2[:PORT2]]/[DB]#MASTER}, which Lettuce reads itself.
     *
     * @throws IllegalArgumentException naming the expected forms; the message never repeats a password
     */
    public static RedisURI parse(String value, Duration timeout) {
        String text = value == null ? "" : value.strip();
        if (!text.toLowerCase(Locale.ROOT).startsWith(SENTINEL)) {
            return of(StoreLocation.parseRedis(text, null, false), timeout);
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected redis-sentinel://[PASSWORD@]HOST[:PORT][,HOST:PORT]/[DB]"
                    + "#MASTER");
        }
        if (uri.getSentinelMasterId() == null || uri.getSentinels().isEmpty()) {
            throw new IllegalArgumentException("a redis-sentinel:// URI names its sentinels and, after #, the master");
        }
        uri.setClientName(CLIENT_NAME);
        uri.setTimeout(timeout);
        return uri;
    }

    /** {@code redis://HOST:PORT/DB} or the sentinels and master: names the server in messages, never the password. */
    public static String describe(RedisURI uri) {
        if (uri.getSentinelMasterId() == null) {
            return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/"
                    + uri.getDatabase();
        }
        StringBuilder text = new StringBuilder(SENTINEL);
        for (int i = 0; i < uri.getSentinels().size(); i++) {
            RedisURI sentinel = uri.getSentinels().get(i);
            text.append(i == 0 ? "" : ",").append(sentinel.getHost()).append(':').append(sentinel.getPort());
        }
        return text.append('/').append(uri.getDatabase()).append('#').append(uri.getSentinelMasterId()).toString();
    }
}
