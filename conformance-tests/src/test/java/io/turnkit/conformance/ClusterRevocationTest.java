package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.Await;
import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.ClusterNodes;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;

/**
 * Three {@code turnkit serve} processes sharing a real redis-server for their users ({@code --redis-userdb}) and as
 * a cluster ({@code --redis-statsdb}): {@code turnkit user delete}, run as an operator runs it, closes the deleted
 * user's allocations on every node within 2 s, as the relaying clients and the cluster's counts in Redis see it.
 */
class ClusterRevocationTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-password";
    private static final int NODES = 3;
    /** Revocation's promise (docs/cluster.md). */
    private static final Duration REVOKED_WITHIN = Duration.ofSeconds(2);
    /** How long a peer waits for an answer from a relay that may still be open. */
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path temp;

    private ClusterNodes cluster;
    private final List<TurnkitServer> nodes = new ArrayList<>();
    private final List<RelayedClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        Cleanup.closeAll(clients.toArray(AutoCloseable[]::new));
        Cleanup.closeAll(cluster);
    }

    @Test
    void shouldCloseADeletedUsersAllocationsOnEveryNodeWithinTwoSeconds() throws IOException {
        cluster = ClusterNodes.start(temp);
        onRedis("user", "add", "-u", USER, "-p", PASSWORD);
        for (int i = 0; i < NODES; i++) {
            nodes.add(cluster.startNode("node-" + i,
                    List.of("--lt-cred-mech", "--user-quota", "3", "--redis-userdb", cluster.redisUri())));
        }
        for (int i = 0; i < NODES; i++) {
            RelayedClient client = RelayedClient.allocate(nodes.get(i), USER, PASSWORD);
            clients.add(client);
            client.relayBothWays("before the deletion, node " + i);
        }
        for (int i = 0; i < NODES; i++) {
            assertEquals("1", cluster.quotaCount(USER, "node-" + i), "node-" + i + " counts alice's allocation");
        }

        onRedis("user", "delete", "-u", USER);

        long deadline = System.nanoTime() + REVOKED_WITHIN.toNanos();
        for (int i = 0; i < NODES; i++) {
            InetSocketAddress relayed = clients.get(i).allocation().relayedAddress();
            Await.until(deadline, () -> relayGone(relayed), "node-" + i + "'s relayed address " + relayed
                    + " still open" + nodes.get(i).describe());
            nodes.get(i).awaitLineContaining("user " + USER + " of realm " + TurnkitServer.REALM
                    + " deleted: 1 allocations closed", REVOKED_WITHIN);
        }
        Await.until(deadline, () -> cluster.quotaFields(USER) == 0,
                "every node gave alice's allocation back to the cluster's count");
    }

    /** Runs {@code turnkit ARGS --realm REALM --redis-userdb URI}, as an operator edits the shared users. */
    private void onRedis(String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--realm", TurnkitServer.REALM, "--redis-userdb", cluster.redisUri()));
        TurnkitCommand.succeed(command.toArray(String[]::new));
    }

    /**
     * Whether nothing listens on {@code relayed} any more: a datagram a peer sends there is answered by the
     * kernel's ICMP port unreachable, which a connected socket reports. A relay still open takes it silently.
     */
    private static boolean relayGone(InetSocketAddress relayed) {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0))) {
            peer.connect(relayed);
            peer.setSoTimeout((int) POLL.toMillis());
            peer.send(new DatagramPacket(new byte[] {1}, 1));
            peer.receive(new DatagramPacket(new byte[16], 16));
            fail("the relay at " + relayed + " answered a stray datagram");
            return false;
        } catch (PortUnreachableException gone) {
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
