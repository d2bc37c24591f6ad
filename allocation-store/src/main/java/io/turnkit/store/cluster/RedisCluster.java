package io.turnkit.store.cluster;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.turnkit.store.credential.RedisDatabase;
import io.turnkit.store.credential.StoreLocation;

/**
 * The state a cluster of turnkit nodes shares in Redis ({@code --redis-statsdb}): who the nodes are, how many
 * allocations each user holds on each node, and the secret stateless nonces are signed with.
 *
 * <pre>
 * turnkit/node/ID         hash: draining, allocations, capacity, plain, secure   TTL {@link #TTL}, kept by the heartbeat
 * turnkit/quota/USER      hash: node ID → allocations of USER on that node       TTL {@link #TTL}, kept by the heartbeat
 * turnkit/nonce-secret    hex, 32 random bytes, set once by the first node        no TTL
 * turnkit/sessions/ID     hash: allocation id → user, client, transport, relayed  TTL {@link #TTL}, rewritten by the heartbeat
 * </pre>
 *
 * On a Redis Cluster the keys start with {@code {turnkit}/} instead of {@code turnkit/}: that hash tag puts them all
 * in one hash slot, which the quota script needs (it reads the user's hash and the nodes' keys in one step) and
 * a node's leaving too (one DEL of its two keys). Other topologies keep the names above, those of the deployments
 * that ran before.
 *
 * <p>{@code turnkit sessions kill} asks the node holding a session to close it on the channel {@value #KILL_CHANNEL}
 * (message {@code NODE ID}).
 *
 * A node that dies without a word stops refreshing its key, which expires within {@link #TTL}; from then on its
 * field in each user's hash counts for nothing (the quota script checks that the node's key exists) and is removed
 * by the next script that sees it. Every method but {@link #acquire} and {@link #release} blocks on Redis and is
 * called from the heartbeat's own thread, never an event loop; those two return at once.
 */
public final class RedisCluster implements AutoCloseable {
    /** How often a node registers itself again and refreshes its counts. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** How long a node's registration and counts outlive its last heartbeat: three heartbeats. */
    public static final Duration TTL = HEARTBEAT.multipliedBy(3);
    /** What every key starts with on one server or behind Sentinel. */
    static final String PREFIX = "turnkit/";
    /** What every key starts with on a Redis Cluster: one hash slot for them all. */
    static final String CLUSTER_PREFIX = "{turnkit}/";
    /** Where a node hears which of its sessions to close. */
    public static final String KILL_CHANNEL = "turnkit/sessions/kill";
    private static final int NONCE_SECRET_BYTES = 32;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final int SCAN_BATCH = 1000;

    /**
     * Counts one more allocation of a user on this node when the live nodes' counts leave room (RFC 8656 §7.2's
     * quota, across the cluster), in one step: KEYS[1] the user's hash; ARGV this node, the limit (0: none), the
     * node key prefix, the TTL in ms. Fields of nodes whose key is gone are dropped. 1 when counted, 0 when full.
     */
    private static final String ACQUIRE = """
            local fields = redis.call('HGETALL', KEYS[1])
            local total = 0
            for i = 1, #fields, 2 do
              if fields[i] == ARGV[1] or redis.call('EXISTS', ARGV[3] .. fields[i]) == 1 then
                total = total + (tonumber(fields[i + 1]) or 0)
              else
                redis.call('HDEL', KEYS[1], fields[i])
              end
            end
            local limit = tonumber(ARGV[2])
            if limit > 0 and total >= limit then
              return 0
            end
            redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return 1
            """;
    /** Uncounts one allocation: KEYS[1] the user's hash, ARGV[1] this node. */
    private static final String RELEASE = """
            if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 1
            """;
    /**
     * Registers this node: KEYS[1] its key; ARGV the TTL in ms, then field, value pairs. 1 when the key was there
     * (a heartbeat), 0 when it was not (the first one, or Redis lost it: restarted empty, or away past the TTL).
     */
    private static final String REGISTER = """
            local existed = redis.call('EXISTS', KEYS[1])
            redis.call('DEL', KEYS[1])
            for i = 2, #ARGV, 2 do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return existed
            """;

    /** Replaces a node's sessions: KEYS[1] its sessions hash; ARGV the TTL in ms, then id, value pairs. */
    private static final String PUBLISH_SESSIONS = """
            redis.call('DEL', KEYS[1])
            for i = 2, #ARGV, 2 do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            if #ARGV > 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return 1
            """;

    private final RedisDatabase database;
    private final RedisClusterCommands<String, String> commands;
    private final RedisClusterAsyncCommands<String, String> async;
    private final String nodeId;
    private final String nodePrefix;
    private final String quotaPrefix;
    private final String nonceSecret;
    private final String sessionsPrefix;
    /** Users this node has a field for in their quota hash, as far as it knows: what a reconciliation rewrites. */
    private final Set<String> published = ConcurrentHashMap.newKeySet();

    private RedisCluster(RedisDatabase database, String nodeId) {
        this.database = database;
        this.commands = database.sync();
        this.async = database.async();
        this.nodeId = nodeId;
        String prefix = database.location().redisTopology() == StoreLocation.Topology.CLUSTER ? CLUSTER_PREFIX
                : PREFIX;
        this.nodePrefix = prefix + "node/";
        this.quotaPrefix = prefix + "quota/";
        this.nonceSecret = prefix + "nonce-secret";
        this.sessionsPrefix = prefix + "sessions/";
    }

    /**
     * Connects to the cluster's database at {@code uri} to look at it and send it commands, not as a node: for
     * {@code turnkit sessions}. Only {@link #sessions()} and {@link #kill} are for it.
     *
     * @throws IOException "cannot reach redis://HOST:PORT/DB: REASON"
     */
    public static RedisCluster observe(StoreLocation location) throws IOException {
        return open(location, null);
    }

    /**
     * Connects to the cluster's database at {@code uri} as node {@code nodeId}.
     *
     * @throws IOException "cannot reach redis://HOST:PORT/DB: REASON"
     */
    public static RedisCluster open(StoreLocation location, String nodeId) throws IOException {
        // While Redis is away, a command fails at once: the node then serves from what it knows.
        return new RedisCluster(RedisDatabase.open(location, COMMAND_TIMEOUT, CONNECT_TIMEOUT), nodeId);
    }

    /** {@code redis://HOST:PORT/DB}: names the database in logs, without its password. */
    public String describe() {
        return database.describe();
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * The secret every node signs its nonces with (RFC 8489 §9.2), so that a nonce one node issued is good at the
     * others: the first node to ask makes it.
     *
     * @throws RedisException when Redis cannot be asked
     */
    public byte[] nonceSecret() {
        byte[] fresh = new byte[NONCE_SECRET_BYTES];
        new SecureRandom().nextBytes(fresh);
        commands.set(nonceSecret, HexFormat.of().formatHex(fresh), SetArgs.Builder.nx());
        String stored = commands.get(nonceSecret);
        try {
            byte[] secret = HexFormat.of().parseHex(stored);
            if (secret.length >= NONCE_SECRET_BYTES / 2) {
                return secret;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // Written by something else than a node: replaced below.
        }
        commands.set(nonceSecret, HexFormat.of().formatHex(fresh));
        return fresh;
    }

    /**
     * Writes {@code secret} as the nonce secret unless one is there: after Redis restarted empty, the nodes that
     * run on put back the secret they all hold, so that a node starting later signs with it too.
     */
    public void keepNonceSecret(byte[] secret) {
        commands.set(nonceSecret, HexFormat.of().formatHex(secret), SetArgs.Builder.nx());
    }

    /**
     * Registers this node as {@code self} for {@link #TTL}.
     *
     * @return false when Redis did not know this node any more (or yet): its counts are then to be published again
     * @throws RedisException when Redis cannot be reached
     */
    public boolean register(ClusterMember self) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(TTL.toMillis()));
        self.fields().forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        Long existed = commands.eval(REGISTER, ScriptOutputType.INTEGER, new String[] {nodePrefix + nodeId},
                args.toArray(String[]::new));
        return existed != null && existed == 1;
    }

    /**
     * Every live node, this one too, as registered; records that do not parse are left out.
     *
     * @throws RedisException when Redis cannot be reached
     */
    public List<ClusterMember> members() {
        List<ClusterMember> members = new ArrayList<>();
        forEachKey(nodePrefix, key -> {
            ClusterMember member = ClusterMember.parse(key.substring(nodePrefix.length()), commands.hgetall(key));
            if (member != null) {
                members.add(member);
            }
        });
        return members;
    }

    /** SCANs the keys that start with {@code prefix} and hands each to {@code action}. */
    private void forEachKey(String prefix, Consumer<String> action) {
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(SCAN_BATCH);
        KeyScanCursor<String> cursor = commands.scan(args);
        while (true) {
            cursor.getKeys().forEach(action);
            if (cursor.isFinished()) {
                return;
            }
            cursor = commands.scan(cursor, args);
        }
    }

    /**
     * Counts one more allocation of {@code username} on this node if the cluster holds fewer than {@code limit}.
     *
     * @return completes with whether it was counted, or exceptionally when Redis could not be asked
     */
    public CompletableFuture<Boolean> acquire(String username, int limit) {
        return async.eval(ACQUIRE, ScriptOutputType.INTEGER, new String[] {quotaPrefix + username}, nodeId,
                Integer.toString(limit), nodePrefix, Long.toString(TTL.toMillis()))
                .thenApply(counted -> {
                    boolean granted = Long.valueOf(1).equals(counted);
                    if (granted) {
                        published.add(username);
                    }
                    return granted;
                }).toCompletableFuture();
    }

    /** Uncounts one allocation of {@code username}; should Redis not hear it, the next reconciliation corrects it. */
    public void release(String username) {
        async.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {quotaPrefix + username}, nodeId);
    }

    /**
     * Keeps this node's counts alive for another {@link #TTL}; with {@code rewrite}, first writes them as
     * {@code counts} says (a reconciliation: after Redis was away, or lost them), removing this node's field of the
     * users it counted before and holds no allocation of now.
     *
     * @throws RedisException when Redis cannot be reached
     */
    public void keepCounts(Map<String, Integer> counts, boolean rewrite) {
        Set<String> users = new HashSet<>(counts.keySet());
        if (rewrite) {
            users.addAll(published);
        }
        for (String user : users) {
            String key = quotaPrefix + user;
            Integer count = counts.get(user);
            if (rewrite && (count == null || count <= 0)) {
                commands.hdel(key, nodeId);
                published.remove(user);
            } else if (rewrite) {
                commands.hset(key, nodeId, Integer.toString(count));
                published.add(user);
            }
            if (count != null && count > 0) {
                commands.pexpire(key, TTL.toMillis());
            }
        }
        published.retainAll(counts.keySet());
    }

    /** How many allocations of {@code username} the live nodes hold, as Redis counts them. */
    public long allocationsOf(String username) {
        long total = 0;
        for (Map.Entry<String, String> field : commands.hgetall(quotaPrefix + username).entrySet()) {
            if (commands.exists(nodePrefix + field.getKey()) == 1) {
                total += Long.parseLong(field.getValue());
            }
        }
        return total;
    }

    /**
     * Writes this node's sessions in place of those it wrote before, for another {@link #TTL}: a node that dies
     * stops rewriting them, and they vanish with its registration.
     *
     * @throws RedisException when Redis cannot be reached
     */
    public void publishSessions(List<ClusterSession> sessions) {
        List<String> args = new ArrayList<>(1 + 2 * sessions.size());
        args.add(Long.toString(TTL.toMillis()));
        for (ClusterSession session : sessions) {
            args.add(Integer.toString(session.id()));
            args.add(session.value());
        }
        commands.eval(PUBLISH_SESSIONS, ScriptOutputType.INTEGER, new String[] {sessionsPrefix + nodeId},
                args.toArray(String[]::new));
    }

    /**
     * The sessions every live node registered; values that do not parse are left out.
     *
     * @throws RedisException when Redis cannot be reached
     */
    public List<ClusterSession> sessions() {
        List<ClusterSession> sessions = new ArrayList<>();
        forEachKey(sessionsPrefix, key -> {
            String node = key.substring(sessionsPrefix.length());
            commands.hgetall(key).forEach((id, value) -> {
                ClusterSession session = ClusterSession.parse(node, id, value);
                if (session != null) {
                    sessions.add(session);
                }
            });
        });
        return sessions;
    }

    /** Whether node {@code node} has the session {@code id} registered. */
    public boolean hasSession(String node, int id) {
        return commands.hexists(sessionsPrefix + node, Integer.toString(id));
    }

    /**
     * Asks node {@code node} to close its session {@code id}, if it is registered there.
     *
     * @return false when no live node registered it
     * @throws RedisException when Redis cannot be reached
     */
    public boolean kill(String node, int id) {
        if (!hasSession(node, id)) {
            return false;
        }
        commands.publish(KILL_CHANNEL, node + " " + id);
        return true;
    }

    /**
     * Calls {@code closer}, on a Lettuce thread, with the id of each session of this node that {@link #kill} asks
     * to close; once closed, {@link #forgetSession} takes it out of the registry.
     */
    public void onKill(IntConsumer closer) {
        StatefulRedisPubSubConnection<String, String> kills = database.connectPubSub();
        String prefix = nodeId + " ";
        kills.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                // What another client published: hostile until parsed.
                if (message.startsWith(prefix) && message.length() - prefix.length() <= 5) {
                    String id = message.substring(prefix.length());
                    if (!id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        closer.accept(Integer.parseInt(id));
                    }
                }
            }
        });
        kills.sync().subscribe(KILL_CHANNEL);
    }

    /** Takes this node's session {@code id} out of the registry at once; returns without waiting for Redis. */
    public void forgetSession(int id) {
        async.hdel(sessionsPrefix + nodeId, Integer.toString(id));
    }

    /** Whether the connection to Redis is up now. */
    public boolean connected() {
        return database.isOpen();
    }

    /** Removes this node's registration, so that the others stop counting it at once. */
    public void leave() {
        try {
            commands.del(nodePrefix + nodeId, sessionsPrefix + nodeId);
        } catch (RedisException e) {
            // Redis is away: the registration expires within the TTL.
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
