package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.ClusterNodes;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.ice.stun.DatagramStunTransport;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunResponse;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.store.cluster.RedisCluster;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMethod;

/**
 * Three {@code turnkit serve} processes on loopback sharing a real redis-server ({@code --redis-statsdb}) act as one
 * for a user's quota and for nonces (docs/cluster.md): a user with {@code --user-quota 2} gets 486 for a third
 * allocation on whichever node it asks, a node killed with {@code kill -9} gives its slots back once its
 * registration expires, and a nonce one node issued is good on another.
 */
class ClusterQuotaTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "cluster-password";
    private static final List<String> OPTIONS =
            List.of("--lt-cred-mech", "--user", USER + ":" + PASSWORD, "--user-quota", "2");
    /** What {@link #allocate} answers for an allocation granted. */
    private static final int GRANTED = 0;
    private static final Duration RETRY = Duration.ofMillis(200);
    /** RFC 8656 §7.1: an Allocate asks for a UDP relay. */
    private static final Consumer<StunMessageEncoder> UDP_RELAY =
            request -> request.addRequestedTransport(StunAttributes.TRANSPORT_UDP);

    @TempDir
    Path temp;

    private ClusterNodes cluster;
    private final List<TurnkitServer> nodes = new ArrayList<>();
    private TurnkitServer outsider;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        Cleanup.closeAll(clients.toArray(AutoCloseable[]::new));
        Cleanup.closeAll(outsider, cluster);
    }

    @Test
    void shouldRefuseTheThirdAllocationOfAUserWithQuotaTwoOnWhicheverNodeItAsks() throws IOException {
        startNodes(3);
        holdAllocationOn(0);
        holdAllocationOn(1);

        for (int i = 0; i < nodes.size(); i++) {
            // RFC 8656 §7.2: 486 Allocation Quota Reached; node-2 holds none of alice's, so only the cluster's
            // count can refuse there.
            assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, allocate(nodes.get(i)),
                    "a third allocation of alice on node-" + i + nodes.get(i).describe());
        }
        assertAll("turnkit/quota/" + USER + " after the refusals",
                () -> assertEquals("1", cluster.quotaCount(USER, "node-0"), "node-0"),
                () -> assertEquals("1", cluster.quotaCount(USER, "node-1"), "node-1"),
                () -> assertNull(cluster.quotaCount(USER, "node-2"), "node-2 counts no refused allocation"));
    }

    @Test
    @Tag("slow")
    void shouldFreeTheSlotOfAKilledNodeWithinTheTtl() throws IOException, InterruptedException {
        startNodes(3);
        holdAllocationOn(0);
        holdAllocationOn(1);
        assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, allocate(nodes.get(2)),
                "before the kill, node-1's allocation takes alice's second slot");

        nodes.get(1).signal("KILL");
        // docs/cluster.md: the dead node's registration expires within its TTL of its last heartbeat, and from
        // then on the quota script ignores its counts.
        long deadline = System.nanoTime() + RedisCluster.TTL.plus(RedisCluster.HEARTBEAT).toNanos();
        int answer = allocate(nodes.get(2));
        while (answer == StunErrorCode.ALLOCATION_QUOTA_REACHED && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(RETRY.toNanos());
            answer = allocate(nodes.get(2));
        }

        assertEquals(GRANTED, answer, "alice's allocation on node-2 within TTL + heartbeat of the kill"
                + nodes.get(2).describe());
        assertAll("turnkit/quota/" + USER + " after the allocation on node-2",
                () -> assertEquals("1", cluster.quotaCount(USER, "node-0"), "node-0"),
                () -> assertNull(cluster.quotaCount(USER, "node-1"), "the killed node's count is dropped"),
                () -> assertEquals("1", cluster.quotaCount(USER, "node-2"), "node-2"));
    }

    @Test
    void shouldAcceptANonceIssuedByAnotherNode() throws IOException {
        startNodes(2);
        // Not in the cluster: it signs its nonces with a secret of its own.
        outsider = TurnkitServer.withLongTermCredentials(USER, PASSWORD);
        // One socket for every request: RFC 8489 §9.2 lets a nonce be bound to the client's address and port.
        TurnClient client = RelayedClient.client(nodes.get(0), USER, PASSWORD);
        clients.add(client);
        StunClient stun = client.stun();
        ((DatagramStunTransport) stun.transport()).acceptAnySource();
        LongTermCredentials credentials = new LongTermCredentials(USER, PASSWORD);

        StunResponse challenge = stun.request(StunMethod.ALLOCATE, UDP_RELAY, address(nodes.get(0)),
                StunClient.ResponseCheck.ANY);
        assertEquals(StunErrorCode.UNAUTHENTICATED, challenge.errorCode(), "node-0's answer to an unsigned Allocate");
        assertTrue(credentials.learn(challenge), "node-0's 401 has a REALM and a NONCE");
        Consumer<StunMessageEncoder> signed = UDP_RELAY.andThen(credentials::sign);
        StunResponse atOutsider = stun.request(StunMethod.ALLOCATE, signed, address(outsider), credentials::verifies);
        StunResponse atNode1 = stun.request(StunMethod.ALLOCATE, signed, address(nodes.get(1)), credentials::verifies);

        assertAll("node-0's nonce " + credentials.nonce(),
                () -> assertEquals(StunErrorCode.STALE_NONCE, atOutsider.errorCode(),
                        "a server outside the cluster: 438 Stale Nonce (RFC 8489 §9.2.4)" + outsider.describe()),
                () -> assertTrue(atNode1.isSuccess(), () -> "node-1 allocates with it, but answered "
                        + atNode1.errorCode() + " " + atNode1.errorReason() + nodes.get(1).describe()));
    }

    private void startNodes(int count) {
        cluster = ClusterNodes.start(temp);
        for (int i = 0; i < count; i++) {
            nodes.add(cluster.startNode("node-" + i, OPTIONS));
        }
    }

    /** alice allocates on node {@code i} and relays both ways through it; the allocation is held to the end. */
    private void holdAllocationOn(int i) throws IOException {
        RelayedClient client = RelayedClient.allocate(nodes.get(i), USER, PASSWORD);
        clients.add(client);
        client.relayBothWays("alice through node-" + i);
        assertEquals("1", cluster.quotaCount(USER, "node-" + i), "node-" + i + " counted alice's allocation");
    }

    /**
     * A new client of alice asks {@code node} for an allocation: {@link #GRANTED}, the allocation then held to the
     * end, or the error code the TURN client reports.
     */
    private int allocate(TurnkitServer node) throws IOException {
        TurnClient client = RelayedClient.client(node, USER, PASSWORD);
        clients.add(client);
        try {
            client.allocate();
            return GRANTED;
        } catch (ErrorResponseException refused) {
            return refused.errorCode();
        }
    }

    private static InetSocketAddress address(TurnkitServer server) {
        return new InetSocketAddress(LoopbackPorts.LOOPBACK, server.port());
    }
}
