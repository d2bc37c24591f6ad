package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.stun.StunErrorCode;

/**
 * {@code turnkit sessions list|kill} against two in-process cluster nodes on a real redis-server: every node's
 * allocations are listed, and a kill closes one on the node holding it, as its client sees.
 */
class SessionsCommandTest {
    /** A node registers its sessions at its next heartbeat, 2 s apart; two of them and some room. */
    private static final Duration REGISTERED = Duration.ofSeconds(6);

    @TempDir
    Path temp;

    @RegisterExtension
    final InProcessCluster cluster = new InProcessCluster();

    @Test
    void shouldListTheSessionsOfEveryNode() throws IOException {
        cluster.start(temp, "node-a", "node-b");
        InetSocketAddress relayedA = cluster.client(0).allocate().relayedAddress();
        InetSocketAddress relayedB = cluster.client(1).allocate().relayedAddress();

        TurnkitRun run = awaitListed(2);

        assertEquals(0, run.exitCode(), run.describe());
        List<String> rows = run.out().lines().toList();
        assertEquals(List.of("ID", "NODE", "USER", "CLIENT", "TRANSPORT", "RELAYED", "AGE"),
                List.of(rows.get(0).split(" +")), run.describe());
        List<String> a = List.of(rows.get(1).split(" +"));
        assertEquals("node-a/" + relayedA.getPort(), a.get(0), run.describe());
        assertEquals(List.of("node-a", "alice"), a.subList(1, 3), run.describe());
        assertEquals(List.of("udp", "127.0.0.1:" + relayedA.getPort()), a.subList(4, 6), run.describe());
        assertEquals("node-b/" + relayedB.getPort(), rows.get(2).split(" +")[0], run.describe());
    }

    @Test
    void shouldCloseTheSessionKilledOnTheNodeHoldingIt() throws IOException {
        cluster.start(temp, "node-a", "node-b");
        TurnClient kept = cluster.client(0);
        kept.allocate();
        TurnClient killed = cluster.client(1);
        String id = "node-b/" + killed.allocate().relayedAddress().getPort();
        awaitListed(2);

        TurnkitRun run = TurnkitRun.run("sessions", "kill", id, "--redis-statsdb", cluster.statsdb());

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("closed session " + id, run.out().strip());
        ErrorResponseException refused = assertThrows(ErrorResponseException.class,
                () -> killed.refresh(Duration.ofMinutes(5)));
        assertEquals(StunErrorCode.ALLOCATION_MISMATCH, refused.errorCode(), "the killed allocation is gone");
        kept.refresh(Duration.ofMinutes(5));
    }

    @Test
    void shouldFailOnASessionNoNodeHolds() {
        String statsdb = cluster.startRedis(temp).location().describe();

        TurnkitRun run = TurnkitRun.run("sessions", "kill", "node-x/50000", "--redis-statsdb", statsdb);

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().contains("no session node-x/50000 in " + statsdb), run.describe());
    }

    @Test
    void shouldRefuseASessionIdWithoutItsNode() {
        TurnkitRun run = TurnkitRun.run("sessions", "kill", "50000", "--redis-statsdb", "redis://127.0.0.1:1/0");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().contains("expected a session as NODE/ID, got '50000'"), run.describe());
    }

    /** Lists until {@code count} sessions show: the nodes register theirs at their next heartbeat. */
    private TurnkitRun awaitListed(int count) {
        long deadline = System.nanoTime() + REGISTERED.toNanos();
        TurnkitRun run = list();
        while (run.out().lines().count() < count + 1 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            run = list();
        }
        assertEquals(count + 1, run.out().lines().count(), "a heading and " + count + " sessions: " + run.describe());
        return run;
    }

    private TurnkitRun list() {
        return TurnkitRun.run("sessions", "list", "--redis-statsdb", cluster.statsdb());
    }
}
