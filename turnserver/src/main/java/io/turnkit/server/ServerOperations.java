package io.turnkit.server;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisException;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.turnkit.server.admin.IceServer;
import io.turnkit.server.admin.ServerAdmin;
import io.turnkit.server.admin.ServerStatus;
import io.turnkit.server.auth.MintedUsers;
import io.turnkit.server.auth.RestApiCredentials;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.protocol.TurnSettings;
import io.turnkit.server.relay.SessionSnapshot;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.store.cluster.ClusterSession;
import io.turnkit.store.credential.RedisCredentialStore;
import io.turnkit.store.credential.RemovedCredentials;
import io.turnkit.store.credential.SecretEntry;
import io.turnkit.store.credential.UserKeys;

/**
 * What an operator does to a running server: look at it and its allocations, close one, drain it, reload its
 * settings. Allocation state is read and changed only on its own event loop: a request from another thread is
 * handed to every loop as a task, and each loop answers for its own allocations.
 */
final class ServerOperations implements ServerAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(ServerOperations.class);
    /** How long the "test this server" panel's credentials last: one ICE gathering, with room to spare. */
    private static final long TEST_CREDENTIAL_SECONDS = 600;
    private static final String TEST_USER = "admin-test-";
    /** How long the heartbeat waits for the event loops' copies of their sessions. */
    private static final long REGISTRY_WAIT_SECONDS = 1;

    private final EventLoopGroup group;
    private final ServerContext context;
    private final Supplier<List<String>> listeners;
    private final Supplier<List<InetSocketAddress>> udpAndTcp;
    private final Consumer<String> stop;
    private final Clock clock;
    private final long startNanos = System.nanoTime();
    /** The settings the server started with: those a reload cannot change stay as they are here. */
    private final ServerConfig started;
    /** The settings of the last reload, or the start. */
    private volatile ServerConfig config;
    private ScheduledFuture<?> drainCheck;

    /**
     * @param listeners  the listeners, described ({@code udp 127.0.0.1:3478})
     * @param udpAndTcp  the addresses the TURN URIs name
     * @param stop       stops the server, with the reason for the stop line
     */
    ServerOperations(ServerConfig config, EventLoopGroup group, ServerContext context,
            Supplier<List<String>> listeners, Supplier<List<InetSocketAddress>> udpAndTcp, Consumer<String> stop,
            Clock clock) {
        this.started = config;
        this.config = config;
        this.group = group;
        this.context = context;
        this.listeners = listeners;
        this.udpAndTcp = udpAndTcp;
        this.stop = stop;
        this.clock = clock;
    }

    private TurnServices services() {
        return context.services();
    }

    @Override
    public ServerStatus status() {
        ServerCounters counters = services().counters();
        String version = TurnServer.class.getPackage().getImplementationVersion();
        return new ServerStatus(version == null ? "dev" : version,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), listeners.get(),
                services().relays().quotas().total(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(),
                counters.get(ServerCounter.CHANNEL_DATA_TO_PEER) + counters.get(ServerCounter.SEND_TO_PEER),
                counters.get(ServerCounter.CHANNEL_DATA_TO_CLIENT) + counters.get(ServerCounter.DATA_TO_CLIENT),
                services().admission().draining());
    }

    /** Snapshot per loop: each event loop copies its own allocations as a task on its queue. */
    @Override
    public CompletableFuture<List<SessionSnapshot>> sessions() {
        List<CompletableFuture<List<SessionSnapshot>>> perLoop = new ArrayList<>();
        for (EventExecutor loop : group) {
            perLoop.add(completable(loop.submit(() -> services().relays().loopRelays().snapshot(System.nanoTime()))));
        }
        return CompletableFuture.allOf(perLoop.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<SessionSnapshot> all = new ArrayList<>();
            perLoop.forEach(loop -> all.addAll(loop.join()));
            return all;
        });
    }

    @Override
    public String nodeId() {
        return context.cluster() == null ? null : context.cluster().nodeId();
    }

    @Override
    public List<ClusterSession> otherNodesSessions() {
        if (context.cluster() == null) {
            return List.of();
        }
        try {
            String self = context.cluster().nodeId();
            return context.cluster().clusterSessions().stream().filter(s -> !s.node().equals(self)).toList();
        } catch (RedisException e) {
            LOG.warn("admin: cannot read the other nodes' sessions from {}: {}", context.cluster().describe(),
                    RedisCredentialStore.reason(e));
            return List.of();
        }
    }

    /**
     * This node's sessions as the cluster's session registry holds them, copied on their event loops now; called
     * by the heartbeat, on its own thread, which may wait for the loops.
     */
    List<ClusterSession> registrySessions() {
        String node = context.cluster().nodeId();
        long now = clock.instant().getEpochSecond();
        try {
            return sessions().get(REGISTRY_WAIT_SECONDS, TimeUnit.SECONDS).stream()
                    .map(s -> new ClusterSession(node, s.id(), s.username(), TransportAddresses.format(s.client()),
                            s.transport().name().toLowerCase(Locale.ROOT),
                            s.relayed().stream().map(TransportAddresses::format).toList(), now - s.ageSeconds()))
                    .toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the event loops copied their sessions", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the event loops did not copy their sessions: " + e, e);
        }
    }

    @Override
    public CompletableFuture<Boolean> closeSession(int id) {
        List<CompletableFuture<Boolean>> perLoop = new ArrayList<>();
        for (EventExecutor loop : group) {
            perLoop.add(completable(loop.submit(() -> services().relays().closeByOperator(id))));
        }
        return CompletableFuture.allOf(perLoop.toArray(CompletableFuture[]::new))
                .thenApply(done -> perLoop.stream().anyMatch(CompletableFuture::join));
    }

    /**
     * Closes, on every event loop, the allocations of users deleted from the shared user database and those made
     * with credentials of a deleted REST API secret: what a {@code turnkit user delete} or {@code turnkit secret
     * delete} does to the allocations of every server reading that database.
     */
    void closeRevoked(RemovedCredentials removed) {
        for (EventExecutor loop : group) {
            loop.execute(() -> {
                for (UserKeys user : removed.users()) {
                    int closed = services().relays().closeUser(user.realm(), user.username());
                    if (closed > 0) {
                        LOG.info("user {} of realm {} deleted: {} allocations closed", user.username(), user.realm(),
                                closed);
                    }
                }
                for (SecretEntry secret : removed.secrets()) {
                    int closed = services().relays().closeSignedWith(secret.realm(), secret.secret());
                    if (closed > 0) {
                        LOG.info("a REST API secret of realm {} deleted: {} allocations made with its credentials "
                                + "closed", secret.realm(), closed);
                    }
                }
            });
        }
    }

    private static <T> CompletableFuture<T> completable(Future<T> future) {
        CompletableFuture<T> completable = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                completable.complete(future.getNow());
            } else {
                completable.completeExceptionally(f.cause());
            }
        });
        return completable;
    }

    /**
     * Refuses new allocations from now on, and checks once a second whether the last one has ended or the
     * drain timeout has passed; either stops the server.
     */
    @Override
    public synchronized void drain() {
        if (services().admission().draining()) {
            return;
        }
        services().admission().drain();
        long timeout = config.admin().drainTimeout().toNanos();
        long deadline = System.nanoTime() + timeout;
        LOG.info("draining: new allocations refused; stopping when the last of {} allocations ends, or in {} s",
                services().relays().quotas().total(), TimeUnit.NANOSECONDS.toSeconds(timeout));
        drainCheck = group.next().scheduleAtFixedRate(() -> {
            if (services().relays().quotas().total() == 0) {
                stopDrained("drained, no allocation left");
            } else if (System.nanoTime() - deadline >= 0) {
                stopDrained("drain timeout, " + services().relays().quotas().total() + " allocations left");
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    private synchronized void stopDrained(String reason) {
        drainCheck.cancel(false);
        // Not on the event loop: stopping waits for every loop, this one too.
        Thread stopping = new Thread(() -> stop.accept(reason), "turnkit-drained");
        stopping.start();
    }

    @Override
    public IceServer iceServer() {
        ServerConfig settings = started;
        String realm = settings.auth().realm();
        List<String> secrets = new ArrayList<>(settings.auth().staticAuthSecrets());
        secrets.addAll(context.credentials().secrets(realm));
        String username;
        String password;
        if (settings.auth().useAuthSecret() && !secrets.isEmpty()) {
            // The TURN REST API: signed with the first secret, the one a REST service hands out credentials with.
            username = RestApiCredentials.username(clock.instant().getEpochSecond() + TEST_CREDENTIAL_SECONDS,
                    settings.auth().restApiSeparator(), TEST_USER.substring(0, TEST_USER.length() - 1));
            password = RestApiCredentials.password(secrets.get(0), username);
        } else {
            MintedUsers.Credential minted = context.minted().mint(realm, TEST_USER,
                    TimeUnit.SECONDS.toNanos(TEST_CREDENTIAL_SECONDS));
            if (minted == null) {
                throw new IllegalStateException("too many test users are live; try again in a few minutes");
            }
            username = minted.username();
            password = minted.password();
        }
        List<String> urls = new ArrayList<>();
        for (InetSocketAddress listening : udpAndTcp.get()) {
            String address = TransportAddresses.format(services().relayAddresses().advertised(listening));
            if (urls.stream().noneMatch(url -> url.startsWith("stun:" + address))) {
                urls.add("stun:" + address);
                if (!settings.listeners().noUdp()) {
                    urls.add("turn:" + address + "?transport=udp");
                }
                if (!settings.listeners().noTcp()) {
                    urls.add("turn:" + address + "?transport=tcp");
                }
            }
        }
        return new IceServer(urls, username, password, TEST_CREDENTIAL_SECONDS);
    }

    /**
     * Applies what may change live of {@code next} and keeps the rest: the settings every event loop reads at its
     * next request, the quotas, the static REST API secrets and users. Returns the options that changed but need a
     * restart.
     */
    synchronized List<String> reload(ServerConfig next) {
        List<String> restartOnly = RestartOnlySettings.changed(started, next);
        TurnSettings running = services().settings().get();
        TurnSettings fresh = ServerContexts.turnSettings(next);
        // The realm and SOFTWARE stay: every allocation and nonce carries the realm, every link the SOFTWARE.
        services().settings().publish(new TurnSettings(running.realm(), running.software(),
                fresh.maxAllocateLifetimeSeconds(), fresh.permissionLifetimeSeconds(), fresh.channelLifetimeSeconds(),
                fresh.maxBps(), fresh.udpRelay(), fresh.tcpRelay(), fresh.peerPolicy()));
        services().relays().quotas().limit(next.limits().userQuota(), next.limits().totalQuota());
        services().authenticator().staticSecrets(next.auth().staticAuthSecrets());
        if (context.staticUsers() != null && !restartOnly.contains("user")) {
            ServerContexts.replaceStaticUsers(context.staticUsers(), next, started.auth().realm());
        }
        config = next;
        return restartOnly;
    }
}
