package io.turnkit.store.credential;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

/**
 * One Redis database as turnkit reaches it, whatever the {@link StoreLocation.Topology}: one server, the master
 * Redis Sentinel names (Lettuce asks the sentinels and follows a failover), or a Redis Cluster (Lettuce routes each
 * command to the master of its key's hash slot, splits MGET, MSET and DEL by slot, SCANs every master, and follows
 * the cluster's topology as it changes). Every connection of the user database and of the cluster's database is made
 * here, so they are reached the same way (password, ACL user, TLS, client name, timeouts).
 *
 * <p>The commands are those every topology has; a command naming several keys is atomic on a Redis Cluster only
 * when its keys share a hash slot, which is for the caller to see to.
 */
public final class RedisDatabase implements AutoCloseable {
    private static final String CLIENT_NAME = "turnkit";
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The longest wait between two tries to reconnect to a Redis that went away. Lettuce's own waits double up to
     * 30 s, so after an outage of 20 s a node found Redis back some 15 s after it answered again: that long without
     * its registration and counts, which docs/cluster.md promises within a heartbeat (2 s), or the users' changes.
     * The waits still double from 1 ms up to this; a try costs one refused connection.
     */
    private static final Duration RECONNECT_AT_MOST = Duration.ofMillis(500);

    private final StoreLocation location;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;

    private RedisDatabase(StoreLocation location, AbstractRedisClient client,
            StatefulConnection<String, String> connection, RedisClusterCommands<String, String> sync,
            RedisClusterAsyncCommands<String, String> async) {
        this.location = location;
        this.client = client;
        this.connection = connection;
        this.sync = sync;
        this.async = async;
    }

    /**
     * Connects to the database at {@code location}, each command failing after {@code commandTimeout} and a
     * connection after {@code connectTimeout}; while one server or the master is away, a command fails at once
     * instead of waiting in a queue for it (on a Redis Cluster, after the command timeout).
     *
     * @throws IOException "cannot reach redis://HOST:PORT/DB: REASON"
     */
    public static RedisDatabase open(StoreLocation location, Duration commandTimeout, Duration connectTimeout)
            throws IOException {
        if (!location.isRedis()) {
            throw new IllegalArgumentException("not a Redis location: " + location);
        }
        ClientOptions options = ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build();
        List<RedisURI> uris = uris(location, commandTimeout);
        AbstractRedisClient client = null;
        try {
            if (location.redisTopology() == StoreLocation.Topology.CLUSTER) {
                RedisClusterClient cluster = RedisClusterClient.create(resources(), uris);
                client = cluster;
                // A failover moves slots: the topology is read again now and then, and when a command meets MOVED
                // or a lost node. The connection to each master is made when a command first goes there, and
                // rejecting commands until it is up would fail that first command: on a cluster they wait for the
                // connection instead, up to the command timeout.
                cluster.setOptions(ClusterClientOptions.builder(options)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.enabled())
                        .build());
                StatefulRedisClusterConnection<String, String> connection = cluster.connect();
                return new RedisDatabase(location, cluster, connection, connection.sync(), connection.async());
            }
            RedisClient server = RedisClient.create(resources(), uris.get(0));
            client = server;
            server.setOptions(options);
            StatefulRedisConnection<String, String> connection = server.connect();
            return new RedisDatabase(location, server, connection, connection.sync(), connection.async());
        } catch (RedisException e) {
            if (client != null) {
                shutdown(client);
            }
            throw new IOException("cannot reach " + location.describe() + ": " + RedisCredentialStore.reason(e), e);
        }
    }

    /** The threads and timers of one client, which reconnects within {@link #RECONNECT_AT_MOST}. */
    private static ClientResources resources() {
        return ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(1), RECONNECT_AT_MOST, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /** Closes the client's connections, then its resources, which a client given them leaves to its owner. */
    private static void shutdown(AbstractRedisClient client) {
        client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
        client.getResources().shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
    }

    /** The one server's or master's URI, or the cluster's seed nodes'. */
    private static List<RedisURI> uris(StoreLocation location, Duration commandTimeout) {
        List<RedisURI> uris = new ArrayList<>();
        RedisURI.Builder uri = null;
        for (InetSocketAddress host : location.redisHosts()) {
            switch (location.redisTopology()) {
                case SERVER -> uri = RedisURI.builder().withHost(host.getHostString()).withPort(host.getPort());
                case SENTINEL -> uri = uri == null
                        ? RedisURI.Builder.sentinel(host.getHostString(), host.getPort(), location.redisMaster())
                        : uri.withSentinel(host.getHostString(), host.getPort());
                case CLUSTER -> uris.add(uri(RedisURI.builder().withHost(host.getHostString())
                        .withPort(host.getPort()), location, commandTimeout));
            }
        }
        if (location.redisTopology() != StoreLocation.Topology.CLUSTER) {
            uris.add(uri(uri, location, commandTimeout));
        }
        return uris;
    }

    private static RedisURI uri(RedisURI.Builder uri, StoreLocation location, Duration commandTimeout) {
        uri.withDatabase(location.redisDatabase())
                .withSsl(location.redisTls())
                .withClientName(CLIENT_NAME)
                .withTimeout(commandTimeout);
        if (location.redisPassword() != null && location.redisUser() != null) {
            uri.withAuthentication(location.redisUser(), location.redisPassword());
        } else if (location.redisPassword() != null) {
            // AUTH with the password alone: what Redis before 6 (no ACL users) understands.
            uri.withPassword(location.redisPassword());
        }
        return uri.build();
    }

    /** Commands that block until Redis answers (or the command timeout passes). */
    public RedisClusterCommands<String, String> sync() {
        return sync;
    }

    /** Commands that return at once, completing when Redis answers. */
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /**
     * A connection of its own for SUBSCRIBE. On a Redis Cluster a message published on any node reaches the
     * subscribers of every node.
     *
     * @throws RedisException when Redis cannot be reached
     */
    public StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return client instanceof RedisClusterClient cluster ? cluster.connectPubSub()
                : ((RedisClient) client).connectPubSub();
    }

    /** Told when a connection of this database goes and comes back. */
    public void addListener(RedisConnectionStateListener listener) {
        client.addListener(listener);
    }

    /** Whether the connection to Redis is up now. */
    public boolean isOpen() {
        return connection.isOpen();
    }

    /** How the database is reached. */
    public StoreLocation location() {
        return location;
    }

    /** {@code redis://HOST:PORT/DB}, or the sentinels and master, or the cluster: never the password. */
    public String describe() {
        return location.describe();
    }

    /** Closes every connection and ends Lettuce's threads. */
    @Override
    public void close() {
        shutdown(client);
    }
}
