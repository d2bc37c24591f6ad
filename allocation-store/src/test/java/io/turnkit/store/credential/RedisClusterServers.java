package io.turnkit.store.credential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real Redis Cluster for tests: three masters, no replicas, on free loopback ports, made into one cluster by
 * {@code redis-cli --cluster create}, and stopped by {@link #close()}.
 */
public final class RedisClusterServers implements AutoCloseable {
    private static final int MASTERS = 3;
    /** A cluster node also listens on its port + 10000, the cluster bus. */
    private static final int BUS_OFFSET = 10000;
    private static final int MAX_PORT_ATTEMPTS = 100;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<RedisServer> nodes;

    private RedisClusterServers(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts the three masters with their files in {@code dir}, and waits until the cluster serves every slot. */
    public static RedisClusterServers start(Path dir) {
        List<RedisServer> nodes = new ArrayList<>();
        RedisClusterServers cluster = new RedisClusterServers(nodes);
        try {
            for (int i = 0; i < MASTERS; i++) {
                nodes.add(RedisServer.startClusterNode(dir, portWithFreeBus()));
            }
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisServer node : nodes) {
                command.add(LOOPBACK.getHostAddress() + ":" + node.port());
            }
            command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Path log = dir.resolve("cluster-create.log");
            Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!create.waitFor(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new AssertionError("redis-cli --cluster create failed:\n" + Files.readString(log));
            }
            cluster.awaitReady();
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("cannot run redis-cli (Debian package redis-tools)", e);
        } catch (InterruptedException e) {
            cluster.close();
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** The masters, in the order they were started. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** {@code redis-cluster://127.0.0.1:PORT1,127.0.0.1:PORT2/0}: two of the masters as seed nodes. */
    public StoreLocation location() {
        return StoreLocation.redis(URI.create("redis-cluster://" + LOOPBACK.getHostAddress() + ":"
                + nodes.get(0).port() + "," + LOOPBACK.getHostAddress() + ":" + nodes.get(1).port()), null, false);
    }

    /**
     * Sends one command about one key to the master holding the key's slot (the others answer MOVED); the first
     * line of the reply, as {@link RedisServer#call} gives it.
     */
    public String call(String... command) {
        for (RedisServer node : nodes) {
            String reply = node.call(command);
            if (reply == null || !reply.startsWith("-MOVED")) {
                return reply;
            }
        }
        throw new AssertionError("no master took " + String.join(" ", command));
    }

    /** Stops every master. */
    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }

    /** Until every master says cluster_state:ok: the slots are assigned and the nodes know each other. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (RedisServer node : nodes) {
            while (!"cluster_state:ok".equals(node.call("CLUSTER", "INFO"))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("the Redis Cluster is not ready within " + READY_TIMEOUT);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    /** A free loopback port whose cluster bus port is free too. */
    private static int portWithFreeBus() {
        for (int attempt = 0; attempt < MAX_PORT_ATTEMPTS; attempt++) {
            int port = RedisServer.unusedPort();
            if (port + BUS_OFFSET <= 65535 && free(port + BUS_OFFSET)) {
                return port;
            }
        }
        throw new AssertionError("no free loopback port with a free cluster bus port");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, LOOPBACK)) {
            return socket.getLocalPort() == port;
        } catch (IOException taken) {
            return false;
        }
    }
}
