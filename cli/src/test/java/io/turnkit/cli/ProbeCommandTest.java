package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code turnkit probe} through an in-process server on 127.0.0.1 that lets its relays reach loopback peers. */
class ProbeCommandTest {
    private static final String SECRET = "north-wind";

    @TempDir
    Path dir;

    @RegisterExtension
    final InProcessServer server = new InProcessServer();

    @Test
    void shouldReportEveryPacketBackOverUdp() {
        start(true);

        TurnkitRun run = probe("turn:127.0.0.1:" + port(true), "-u", "alice", "-p", "wonderland");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith("server          udp 127.0.0.1:" + port(true)
                + "\nrelayed address 127.0.0.1:"), run.describe());
        assertTrue(run.out().contains("\necho peer       127.0.0.1:"), run.describe());
        assertTrue(run.out().matches("(?s).*\nallocate        [0-9]+\\.[0-9]{2} ms\n.*"), run.describe());
        assertTrue(run.out().contains("\npackets         10 sent, 10 reached the peer, 10 came back: 0.0% loss\n"),
                run.describe());
        assertTrue(run.out().matches("(?s).*\nround trip      p50 [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms, max "
                + "[0-9.]+ ms\n"), run.describe());
        assertEquals("", run.err(), "no progress bar without a terminal");
    }

    @Test
    void shouldProbeOverTcpWithRestApiCredentials() {
        start(true);

        TurnkitRun run = probe("turn:127.0.0.1:" + port(false) + "?transport=tcp", "--secret", SECRET, "-u", "bob");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith("server          tcp 127.0.0.1:" + port(false) + "\n"), run.describe());
        assertTrue(run.out().contains("10 came back: 0.0% loss"), run.describe());
    }

    @Test
    void shouldReportAWrongPasswordAs401() {
        start(true);

        TurnkitRun run = probe("turn:127.0.0.1:" + port(true), "-u", "alice", "-p", "not the password");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: Allocate refused: 401 Unauthenticated\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldNameTheOptionTheServerNeedsForALoopbackPeer() {
        start(false);

        TurnkitRun run = probe("turn:127.0.0.1:" + port(true), "-u", "alice", "-p", "wonderland");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals(1, run.err().lines().count(), run.describe());
        assertTrue(run.err().startsWith("turnkit: CreatePermission refused: 403 Forbidden"), run.describe());
        assertTrue(run.err().contains("--allow-loopback-peers"), run.describe());
    }

    @Test
    void shouldReportAnUnreachableServerInOneLine() throws IOException {
        int closed = StunCommandTest.closedPort();

        TurnkitRun run = probe("turn:127.0.0.1:" + closed + "?transport=tcp", "-u", "alice", "-p", "wonderland");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: tcp 127.0.0.1:" + closed + ": Connection refused\n", run.err());
    }

    @Test
    void shouldRequireCredentials() {
        TurnkitRun run = TurnkitRun.run("probe", "turn:127.0.0.1", "-u", "alice");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: give -u USER and -p PASSWORD, or --secret SECRET\n", run.err());
    }

    @Test
    void shouldRefuseAStunUriWithATransport() {
        TurnkitRun run = TurnkitRun.run("probe", "turn:127.0.0.1?transport=sctp", "-u", "a", "-p", "b");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: transport must be udp or tcp, got 'turn:127.0.0.1?transport=sctp'\n", run.err());
    }

    private TurnkitRun probe(String uri, String... credentials) {
        String[] args = new String[6 + credentials.length];
        System.arraycopy(new String[] {"probe", uri, "-n", "10", "--interval", "1ms"}, 0, args, 0, 6);
        System.arraycopy(credentials, 0, args, 6, credentials.length);
        return TurnkitRun.run(args);
    }

    private void start(boolean allowLoopbackPeers) {
        server.start(dir, config -> config.auth(au -> au.user("alice", "wonderland").useAuthSecret(true)
                .addStaticAuthSecret(SECRET)).peers(pe -> pe.allowLoopbackPeers(allowLoopbackPeers)));
    }

    private int port(boolean udp) {
        return server.port(udp);
    }
}
