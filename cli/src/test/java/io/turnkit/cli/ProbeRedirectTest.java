package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code turnkit probe} against a draining cluster node: the node answers the Allocate with 300 and an
 * ALTERNATE-SERVER naming the live node (RFC 8489 §10), and the probe follows it once and relays there.
 */
class ProbeRedirectTest {
    /** The draining node learns of the live one at its next heartbeat, 2 s apart; a few of them. */
    private static final Duration REDIRECTED_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    @RegisterExtension
    final InProcessCluster cluster = new InProcessCluster();

    @Test
    void shouldFollowTheRedirectOfADrainingNodeToTheLiveOne() throws IOException {
        cluster.start(temp, "draining", "live");
        // An allocation keeps the draining node up: with none left it would stop at once.
        cluster.client(0).allocate();
        cluster.node(0).drain();
        String live = "server          udp 127.0.0.1:" + cluster.port(1) + "\n";

        long deadline = System.nanoTime() + REDIRECTED_WITHIN.toNanos();
        TurnkitRun run = probe();
        while (!run.out().startsWith(live) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            run = probe();
        }

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith(live), "the probe went to the live node: " + run.describe());
        assertTrue(run.out().contains("3 sent, 3 reached the peer, 3 came back"), run.describe());
    }

    private TurnkitRun probe() {
        return TurnkitRun.run("probe", "turn:127.0.0.1:" + cluster.port(0), "-u", "alice", "-p", "wonderland",
                "-n", "3", "--wait", "500ms");
    }
}
