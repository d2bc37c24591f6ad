package io.turnkit.store.credential;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where credentials live: the embedded file (default) or Redis.
 *
 * <p>A Redis location is kept in one form, {@code redis://[USER@]HOST:PORT/DB} ({@code rediss://} with TLS),
 * whatever form it was given in, or, for a master found through Redis Sentinel,
 * {@code redis-sentinel://[USER@]HOST:PORT[,HOST:PORT…]/DB#MASTER}, or, for a Redis Cluster,
 * {@code redis-cluster://[USER@]HOST:PORT[,HOST:PORT…]/0} (the seed nodes; {@code rediss-…} with TLS); the password
 * is held apart from the URI, so that {@link #describe()} and {@link #toString()} can name the store in messages
 * and logs without it.
 *
 * @param userdb        the credential file, or null for Redis
 * @param redisUri      the Redis server and database, without password, or null for the file
 * @param redisPassword the Redis password (AUTH), or null for none
 * @param redisTls      whether to reach Redis over TLS
 */
public record StoreLocation(Path userdb, URI redisUri, String redisPassword, boolean redisTls) {
    /** Redis's own port. */
    public static final int DEFAULT_REDIS_PORT = 6379;
    /** Redis Sentinel's own port. */
    public static final int DEFAULT_SENTINEL_PORT = 26379;
    private static final String REDIS = "redis";
    private static final String EXPECTED = "expected redis://HOST[:PORT][/DB] (rediss:// for TLS), "
            + "redis-sentinel://HOST[:PORT][,HOST[:PORT]]/[DB]#MASTER, redis-cluster://HOST[:PORT][,HOST[:PORT]] or "
            + "coturn's \"ip=HOST port=PORT dbname=DB password=PASSWORD\"";

    /** How the database is reached. */
    public enum Topology {
        /** One Redis server. */
        SERVER(""),
        /** The master that Redis Sentinel names, followed across failovers. */
        SENTINEL("-sentinel"),
        /** A Redis Cluster, found from its seed nodes; its keys are spread over the masters by hash slot. */
        CLUSTER("-cluster");

        private final String suffix;

        Topology(String suffix) {
            this.suffix = suffix;
        }

        String scheme(boolean tls) {
            return REDIS + (tls ? "s" : "") + suffix;
        }

        int defaultPort() {
            return this == SENTINEL ? DEFAULT_SENTINEL_PORT : DEFAULT_REDIS_PORT;
        }

        /** The topology of a URI scheme, or null for another scheme. */
        static Topology of(String scheme) {
            for (Topology topology : values()) {
                if (scheme.equals(topology.scheme(false)) || scheme.equals(topology.scheme(true))) {
                    return topology;
                }
            }
            return null;
        }
    }

    public StoreLocation {
        if ((userdb == null) == (redisUri == null)) {
            throw new IllegalArgumentException("a store is either a file or a Redis server");
        }
        if (redisUri != null && !redisUri.equals(canonical(redisUri, redisTls))) {
            throw new IllegalArgumentException("not in the form redis://[USER@]HOST:PORT/DB (or its sentinel or "
                    + "cluster form, without password)");
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
     * {@code redis-sentinel://[[USER]:PASSWORD@]HOST[:PORT][,HOST[:PORT]…]/[DB]#MASTER} (port 26379), the master
     * those sentinels name; {@code redis-cluster://[[USER]:PASSWORD@]HOST[:PORT][,HOST[:PORT]…]}, a Redis Cluster
     * and some of its nodes. {@code rediss…://} means TLS, as does {@code tls}. The password is the data nodes'
     * (the sentinels are asked without one). {@code password}, when not null, replaces a password in the URI.
     *
     * @throws IllegalArgumentException when the URI is not of that form; the message never repeats a password
     */
    public static StoreLocation redis(URI redisUri, String password, boolean tls) {
        String scheme = redisUri.getScheme() == null ? "" : redisUri.getScheme().toLowerCase(Locale.ROOT);
        Topology topology = Topology.of(scheme);
        if (topology == null || redisUri.getRawAuthority() == null || redisUri.getQuery() != null
                || (redisUri.getFragment() != null) != (topology == Topology.SENTINEL)) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String userInfo = userInfo(redisUri);
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        String uriPassword = colon < 0 ? null : userInfo.substring(colon + 1);
        String chosen = password != null ? password : uriPassword;
        boolean secure = tls || scheme.equals(topology.scheme(true));
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

    /** One server, the sentinels of a master, or a Redis Cluster. */
    public Topology redisTopology() {
        return Topology.of(redisUri.getScheme());
    }

    /** The server, the sentinels, or the cluster's seed nodes: host names or addresses, not resolved. */
    public List<InetSocketAddress> redisHosts() {
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (String host : hostsOf(redisUri)) {
            URI one = URI.create(REDIS + "://" + host);
            String name = one.getHost();
            hosts.add(InetSocketAddress.createUnresolved(name.startsWith("[") ? name.substring(1, name.length() - 1)
                    : name, one.getPort()));
        }
        return hosts;
    }

    /** The name of the master the sentinels watch, or null for another topology. */
    public String redisMaster() {
        return redisUri.getFragment();
    }

    /** The database number, from the URI's path. */
    public int redisDatabase() {
        return Integer.parseInt(redisUri.getPath().substring(1));
    }

    /** The ACL user name of the URI, or null for Redis's default user. */
    public String redisUser() {
        return userInfo(redisUri);
    }

    /**
     * {@code redis[s][-sentinel|-cluster]://[USER@]HOST:PORT[,HOST:PORT…]/DB[#MASTER]}: the URI without password,
     * with the defaults written out.
     */
    private static URI canonical(URI uri, boolean tls) {
        Topology topology = uri.getScheme() == null ? null : Topology.of(uri.getScheme().toLowerCase(Locale.ROOT));
        if (topology == null) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String userInfo = userInfo(uri);
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        String path = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/") ? "/0"
                : uri.getPath();
        int database = number(path.substring(1), 0, Integer.MAX_VALUE, "database number");
        if (topology == Topology.CLUSTER && database != 0) {
            throw new IllegalArgumentException("a Redis Cluster has database 0 only, not " + database);
        }
        List<String> hosts = hostsOf(uri);
        if (topology == Topology.SERVER && hosts.size() != 1) {
            throw new IllegalArgumentException("redis:// names one server; several are redis-sentinel:// or "
                    + "redis-cluster://");
        }
        if (topology == Topology.SENTINEL && uri.getFragment().isEmpty()) {
            throw new IllegalArgumentException("a redis-sentinel:// URI names, after #, the master");
        }
        StringBuilder text = new StringBuilder(topology.scheme(tls)).append("://");
        if (user != null && !user.isEmpty()) {
            text.append(user).append('@');
        }
        for (int i = 0; i < hosts.size(); i++) {
            URI host = URI.create(REDIS + "://" + hosts.get(i));
            if (host.getHost() == null || host.getRawUserInfo() != null || !host.getRawPath().isEmpty()) {
                throw new IllegalArgumentException(EXPECTED);
            }
            text.append(i == 0 ? "" : ",").append(host.getHost()).append(':')
                    .append(host.getPort() < 0 ? topology.defaultPort() : host.getPort());
        }
        text.append('/').append(database);
        if (topology == Topology.SENTINEL) {
            text.append('#').append(uri.getFragment());
        }
        try {
            return new URI(text.toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(EXPECTED, e);
        }
    }

    /** The user information before '@', also of a URI naming several hosts (which java.net.URI leaves whole). */
    private static String userInfo(URI uri) {
        String authority = uri.getAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        return at < 0 ? null : authority.substring(0, at);
    }

    /** The HOST[:PORT] entries of the authority, in order. */
    private static List<String> hostsOf(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String hosts = authority.substring(authority.lastIndexOf('@') + 1);
        List<String> list = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
            if (host.isEmpty()) {
                throw new IllegalArgumentException(EXPECTED);
            }
            list.add(host);
        }
        return list;
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
