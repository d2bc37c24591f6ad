package io.turnkit.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunTransport;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.server.TurnServer;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.store.credential.RedisServer;

/**
 * Cluster nodes in this JVM on a real redis-server (docs/cluster.md), user alice with password wonderland, loopback
 * peers allowed; and TURN clients of them, all stopped after each test.
 */
final class InProcessCluster implements AfterEachCallback {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private RedisServer redis;
    private final List<TurnServer> nodes = new ArrayList<>();
    private final List<TurnClient> clients = new ArrayList<>();

    /** Starts redis-server in {@code dir}, with no node yet. */
    RedisServer startRedis(Path dir) {
        redis = RedisServer.start(dir);
        return redis;
    }

    /** Starts redis-server in {@code dir} and one node per id, in order. */
    void start(Path dir, String... nodeIds) {
        startRedis(dir);
        for (String id : nodeIds) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(400) * 100;
            nodes.add(TurnServer.start(ServerConfig.builder()
                    .addListeningIp(InetAddress.getLoopbackAddress()).listeningPort(0).tlsListeningPort(0)
                    .noTcp(true).noTls(true).noDtls(true)
                    .realm("turnkit.test").user("alice", "wonderland").allowLoopbackPeers(true)
                    .minPort(base).maxPort(base + 99)
                    .cluster(c -> c.withStatsdb(redis.location().describe()).withNodeId(id))
                    .build()));
        }
    }

    /** The cluster's database, as --redis-statsdb takes it. */
    String statsdb() {
        return redis.location().describe();
    }

    TurnServer node(int index) {
        return nodes.get(index);
    }

    /** The UDP port of node {@code index}. */
    int port(int index) {
        return nodes.get(index).listeningAddresses(true).get(0).getPort();
    }

    /** A TURN client of node {@code index} over UDP, as alice, closed after the test. */
    TurnClient client(int index) throws IOException {
        TurnClient client = new TurnClient(new StunClient(StunTransport.open(TransportProtocol.UDP,
                nodes.get(index).listeningAddresses(true).get(0), TIMEOUT),
                TransactionTimers.RFC_8489.withTimeout(TIMEOUT)), new LongTermCredentials("alice", "wonderland"));
        clients.add(client);
        return client;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (TurnClient client : clients) {
            client.close();
        }
        clients.clear();
        nodes.forEach(TurnServer::close);
        nodes.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
