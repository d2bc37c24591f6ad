package io.turnkit.conformance.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.turnkit.store.credential.RedisServer;

/**
 * {@code turnkit serve} processes in cluster mode around one real redis-server (Debian's): each node is started
 * with {@code --redis-statsdb} and its {@code --node-id}, and is ready once its registration
 * ({@code turnkit/node/ID}, docs/cluster.md) is in Redis, which is what the other nodes see of it. {@link #close()}
 * stops the nodes, then Redis.
 */
public final class ClusterNodes implements AutoCloseable {
    /** A node registers in its first heartbeat; generous for a busy two-core machine. */
    private static final Duration REGISTERED = Duration.ofSeconds(10);

    /** The Redis URI, the same after {@link #startRedisAgain} (same port). */
    private final String redisUri;
    private final int redisPort;
    private final List<TurnkitServer> nodes = new ArrayList<>();
    /** null between {@link #stopRedis} and {@link #startRedisAgain}. */
    private RedisServer redis;

    private ClusterNodes(RedisServer redis) {
        this.redis = redis;
        this.redisUri = redis.location().describe();
        this.redisPort = redis.port();
    }

    /** Starts the cluster's redis-server, keeping its files in {@code dir}; no node yet. */
    public static ClusterNodes start(Path dir) {
        return new ClusterNodes(RedisServer.start(dir));
    }

    public RedisServer redis() {
        return redis;
    }

    /** The Redis URI the nodes share, as {@code --redis-statsdb} and {@code --redis-userdb} take it. */
    public String redisUri() {
        return redisUri;
    }

    /** Stops redis-server under the running nodes, as an outage does. */
    public void stopRedis() {
        redis.close();
        redis = null;
    }

    /** Starts redis-server again on its port, keeping its files in {@code dir}: the old ones, or a new, empty one. */
    public void startRedisAgain(Path dir) {
        redis = RedisServer.startOn(dir, redisPort);
    }

    /** Starts node {@code nodeId} with serve's {@code options} (credentials, quotas…); waits for it to register. */
    public TurnkitServer startNode(String nodeId, List<String> options) {
        List<String> all = new ArrayList<>(List.of("--redis-statsdb", redisUri(), "--node-id", nodeId));
        all.addAll(options);
        TurnkitServer node = TurnkitServer.withOptions(all);
        nodes.add(node);
        Await.within(REGISTERED, () -> isRegistered(nodeId), nodeId + " registered" + node.describe());
        return node;
    }

    /** Whether the registration {@code turnkit/node/ID} exists: the node is live for the others. */
    public boolean isRegistered(String nodeId) {
        return ":1".equals(redis.call("EXISTS", "turnkit/node/" + nodeId));
    }

    /**
     * {@code user}'s allocations on {@code nodeId} as the cluster counts them ({@code turnkit/quota/USER}), or null
     * when the node has no field there.
     */
    public String quotaCount(String user, String nodeId) {
        String count = redis.call("HGET", quotaKey(user), nodeId);
        return "$-1".equals(count) ? null : count;
    }

    /** How many nodes have a count of {@code user}'s allocations in {@code turnkit/quota/USER}. */
    public int quotaFields(String user) {
        return Integer.parseInt(redis.call("HLEN", quotaKey(user)).substring(1));
    }

    private static String quotaKey(String user) {
        return "turnkit/quota/" + user;
    }

    @Override
    public void close() {
        try {
            Cleanup.closeAll(nodes.toArray(AutoCloseable[]::new));
        } finally {
            Cleanup.closeAll(redis);
        }
    }
}
