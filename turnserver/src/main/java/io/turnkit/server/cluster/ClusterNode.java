package io.turnkit.server.cluster;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisException;
import io.turnkit.server.config.ClusterSettings;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.protocol.AllocateRedirect;
import io.turnkit.server.protocol.AllocationAdmission;
import io.turnkit.server.relay.ClusterQuotas;
import io.turnkit.store.Quotas;
import io.turnkit.store.RelayPortPool;
import io.turnkit.store.TransportProtocol;
import io.turnkit.store.cluster.ClusterMember;
import io.turnkit.store.cluster.ClusterSession;
import io.turnkit.store.cluster.RedisCluster;
import io.turnkit.store.credential.RedisCredentialStore;

/**
 * This server as a node of a cluster (docs/cluster.md): it registers itself in the shared Redis every
 * {@link RedisCluster#HEARTBEAT}, counts each user's allocations there together with the other nodes, and sends a
 * new allocation to the least loaded live node when it is draining, full or above {@code redirect-load}.
 *
 * <p>The heartbeat runs on a thread of its own; event loops never wait for Redis. The quota is asked of Redis as
 * the Allocate comes (one script, atomic across the nodes), and the Allocate goes on when Redis answers: exact,
 * for a round trip of latency. While Redis does not answer, the node admits on its own counts and keeps relaying;
 * when Redis is back, it publishes its counts again in place of what Redis holds of it.
 */
public final class ClusterNode implements ClusterQuotas, AllocateRedirect, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** Longer than a round trip to any Redis of the deployment; past it an Allocate is admitted on local counts. */
    private static final long QUOTA_ANSWER_MILLIS = 1000;

    private final RedisCluster redis;
    private final ClusterSettings settings;
    private final Quotas quotas;
    private final RelayPortPool ports;
    private final AllocationAdmission admission;
    private final ServerCounters counters;
    private final AllocateRedirect fallback;
    private final byte[] nonceSecret;
    private final ScheduledExecutorService heartbeat;
    /** The other live nodes as the last heartbeat saw them, and when. */
    private volatile ClusterMember[] others = new ClusterMember[0];
    private volatile long othersSeenNanos;
    private volatile boolean reachable = true;
    /** Whether the next heartbeat writes this node's counts whole: at start, and after Redis was away. */
    private volatile boolean republish = true;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Supplier<List<InetSocketAddress>> plain = List::of;
    private Supplier<List<InetSocketAddress>> secure = List::of;
    private Supplier<List<ClusterSession>> sessions = List::of;

    private ClusterNode(RedisCluster redis, ClusterSettings settings, Quotas quotas, RelayPortPool ports,
            AllocationAdmission admission, ServerCounters counters, AllocateRedirect fallback, byte[] nonceSecret) {
        this.redis = redis;
        this.settings = settings;
        this.quotas = quotas;
        this.ports = ports;
        this.admission = admission;
        this.counters = counters;
        this.fallback = fallback;
        this.nonceSecret = nonceSecret;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "turnkit-cluster-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Joins the cluster of {@code settings}: connects, and reads (or makes) the shared nonce secret. The node
     * registers once {@link #start} knows its addresses.
     *
     * @param listeningPort names the node by default, with the host name (the process id when it is 0)
     * @param fallback      where Allocate requests go that the cluster does not send elsewhere
     * @throws IOException "cannot reach redis://…: REASON"
     */
    public static ClusterNode join(ClusterSettings settings, int listeningPort, Quotas quotas, RelayPortPool ports,
            AllocationAdmission admission, ServerCounters counters, AllocateRedirect fallback) throws IOException {
        String nodeId = settings.nodeId() != null ? settings.nodeId() : defaultNodeId(listeningPort);
        RedisCluster redis = RedisCluster.open(settings.location(), nodeId);
        try {
            return new ClusterNode(redis, settings, quotas, ports, admission, counters, fallback, redis.nonceSecret());
        } catch (RedisException e) {
            redis.close();
            throw new IOException("cannot read " + redis.describe() + ": " + RedisCredentialStore.reason(e), e);
        }
    }

    private static String defaultNodeId(int listeningPort) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + (listeningPort != 0 ? listeningPort : "pid" + ProcessHandle.current().pid());
    }

    /** The secret stateless nonces are signed with, the same on every node (RFC 8489 §9.2). */
    public byte[] nonceSecret() {
        return nonceSecret.clone();
    }

    public String nodeId() {
        return redis.nodeId();
    }

    /** {@code redis://HOST:PORT/DB}: the shared database, for logs. */
    public String describe() {
        return redis.describe();
    }

    /** Whether the last word with Redis went through. */
    public boolean reachable() {
        return reachable;
    }

    /**
     * Registers the node and keeps it registered every heartbeat.
     *
     * @param plainAddresses  the advertised addresses UDP and TCP clients are redirected to
     * @param secureAddresses the advertised addresses TLS and DTLS clients are redirected to
     */
    public void start(Supplier<List<InetSocketAddress>> plainAddresses,
            Supplier<List<InetSocketAddress>> secureAddresses) {
        this.plain = plainAddresses;
        this.secure = secureAddresses;
        long millis = RedisCluster.HEARTBEAT.toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, 0, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Registers this node's sessions in the cluster's session registry at every heartbeat, and closes the one
     * {@code turnkit sessions kill} names (within moments: it comes by pub/sub), taking it out of the registry.
     * Call before {@link #start}.
     *
     * @param current the node's sessions now, copied on their event loops; called on the heartbeat's thread
     * @param closer  closes the session of an id; completes with whether there was one
     */
    public void registerSessions(Supplier<List<ClusterSession>> current,
            IntFunction<CompletableFuture<Boolean>> closer) {
        this.sessions = current;
        try {
            redis.onKill(id -> closer.apply(id).thenAccept(closed -> {
                if (closed) {
                    LOG.info("cluster: session {} closed, as asked on {}", id, RedisCluster.KILL_CHANNEL);
                    redis.forgetSession(id);
                }
            }));
        } catch (RedisException e) {
            unreachable(e);
        }
    }

    /**
     * Every live node's sessions as registered in Redis, this node's too.
     *
     * @throws RedisException when Redis cannot be reached
     */
    public List<ClusterSession> clusterSessions() {
        return redis.sessions();
    }

    /** Runs one heartbeat now, on the calling thread, for tests that must not wait for the next. */
    void beat() {
        try {
            boolean known = redis.register(self());
            boolean rewrite = republish || !known;
            if (!known) {
                redis.keepNonceSecret(nonceSecret);
            }
            redis.keepCounts(Map.copyOf(quotas.byUser()), rewrite);
            List<ClusterMember> members = redis.members();
            others = members.stream().filter(m -> !m.id().equals(redis.nodeId())).toArray(ClusterMember[]::new);
            othersSeenNanos = System.nanoTime();
            redis.publishSessions(sessions.get());
            republish = false;
            if (!reachable) {
                reachable = true;
                LOG.info("cluster: {} reachable again; this node's allocation counts published again", describe());
            }
        } catch (RedisException e) {
            unreachable(e);
        } catch (RuntimeException e) {
            // Never let the heartbeat die: the next one tries again.
            LOG.warn("cluster: heartbeat failed: {}", e.toString());
        }
    }

    /** Once per outage: the log line, the meter, and a full publication of the counts when Redis is back. */
    private void unreachable(Throwable failure) {
        republish = true;
        if (reachable) {
            reachable = false;
            counters.increment(ServerCounter.CLUSTER_REDIS_OUTAGES);
            LOG.warn("cluster: cannot reach {}: {}; relaying goes on, new allocations are admitted on this node's "
                    + "own counts until it is back", describe(), RedisCredentialStore.reason(failure));
        }
    }

    private ClusterMember self() {
        return new ClusterMember(redis.nodeId(), admission.draining(), quotas.total(), capacity(), plain.get(),
                secure.get());
    }

    /** How many allocations this node can hold: its total quota, or else its relay ports. */
    private long capacity() {
        int total = quotas.totalQuota();
        return total > 0 ? Math.min(total, ports.capacity()) : ports.capacity();
    }

    @Override
    public CompletableFuture<Boolean> acquire(String username) {
        int limit = quotas.userQuota();
        if (limit == 0) {
            return GRANTED;
        }
        if (!reachable) {
            counters.increment(ServerCounter.CLUSTER_LOCAL_ADMISSIONS);
            return GRANTED;
        }
        return redis.acquire(username, limit).orTimeout(QUOTA_ANSWER_MILLIS, TimeUnit.MILLISECONDS)
                .handle((granted, failure) -> {
                    if (failure == null) {
                        return granted;
                    }
                    unreachable(failure);
                    counters.increment(ServerCounter.CLUSTER_LOCAL_ADMISSIONS);
                    return Boolean.TRUE;
                });
    }

    @Override
    public void release(String username) {
        if (reachable && !closed.get()) {
            redis.release(username);
        }
    }

    /**
     * A node draining, full or above {@code redirect-load} sends the client to the least loaded live node that is
     * less loaded than itself and has an address of the client's family for its transport (RFC 8489 §10).
     */
    @Override
    public InetSocketAddress alternateServer(TransportProtocol transport, InetSocketAddress client) {
        long allocations = quotas.total();
        long capacity = capacity();
        boolean closed = admission.draining() || allocations >= capacity;
        if (closed || settings.aboveRedirectLoad(allocations, capacity)) {
            double load = closed ? Double.MAX_VALUE : capacity <= 0 ? 1 : (double) allocations / capacity;
            InetSocketAddress target = leastLoaded(transport, client, load);
            if (target != null) {
                return target;
            }
        }
        return fallback.alternateServer(transport, client);
    }

    private InetSocketAddress leastLoaded(TransportProtocol transport, InetSocketAddress client, double below) {
        if (System.nanoTime() - othersSeenNanos > RedisCluster.TTL.toNanos()) {
            // What the last heartbeat saw is older than a registration lives: those nodes may be gone.
            return null;
        }
        boolean tls = transport == TransportProtocol.TLS || transport == TransportProtocol.DTLS;
        boolean ipv4 = client.getAddress() instanceof Inet4Address;
        ClusterMember[] members = others;
        InetSocketAddress best = null;
        double bestLoad = below;
        for (ClusterMember member : members) {
            if (member.closed() || member.load() >= bestLoad) {
                continue;
            }
            List<InetSocketAddress> addresses = tls ? member.secure() : member.plain();
            for (int i = 0; i < addresses.size(); i++) {
                if (addresses.get(i).getAddress() instanceof Inet4Address == ipv4) {
                    best = addresses.get(i);
                    bestLoad = member.load();
                    break;
                }
            }
        }
        return best;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(RedisCluster.HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redis.leave();
        redis.close();
    }
}
