package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code turnkit stun} against an in-process server on 127.0.0.1. */
class StunCommandTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final InProcessServer server = new InProcessServer();

    @Test
    void shouldPrintTheMappedAddressSoftwareAndRoundTripOverUdp() {
        start("turnkit test");

        TurnkitRun run = TurnkitRun.run("stun", "127.0.0.1:" + port(true));

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith("server          udp 127.0.0.1:" + port(true) + "\nmapped address  127.0.0.1:"),
                run.describe());
        assertTrue(run.out().contains("\nsoftware        turnkit test\n"), run.describe());
        assertTrue(run.out().matches("(?s).*\nround trip      [0-9]+\\.[0-9]{2} ms\n"), run.describe());
        assertEquals("", run.err());
    }

    @Test
    void shouldSayWhenTheServerSendsNoSoftwareOverTcp() {
        start(null);

        TurnkitRun run = TurnkitRun.run("stun", "--tcp", "stun:127.0.0.1:" + port(false));

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().startsWith("server          tcp 127.0.0.1:" + port(false)), run.describe());
        assertTrue(run.out().contains("\nsoftware        not sent\n"), run.describe());
    }

    @Test
    void shouldExit3WhenTheServerCannotTellTheNatBehavior() {
        start(null);

        TurnkitRun run = TurnkitRun.run("stun", "--nat-behavior", "127.0.0.1:" + port(true));

        assertEquals(StunCommand.EXIT_NO_RFC_5780, run.exitCode(), run.describe());
        assertTrue(run.out().contains("mapped address  127.0.0.1:"), "the Binding result comes first");
        assertEquals("turnkit: the server does not support RFC 5780 (no OTHER-ADDRESS)\n", run.err());
    }

    @Test
    void shouldReportAnUnreachableServerInOneLine() throws IOException {
        int closed = closedPort();

        TurnkitRun run = TurnkitRun.run("stun", "--timeout", "3s", "127.0.0.1:" + closed);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: udp 127.0.0.1:" + closed + ": port unreachable\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldReportARefusedTcpConnectionInOneLine() throws IOException {
        int closed = closedPort();

        TurnkitRun run = TurnkitRun.run("stun", "--tcp", "127.0.0.1:" + closed);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: tcp 127.0.0.1:" + closed + ": Connection refused\n", run.err());
    }

    @Test
    void shouldReportATimeoutInOneLine() throws IOException {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            TurnkitRun run = TurnkitRun.run("stun", "--timeout", "300ms", "--rto", "100ms",
                    "127.0.0.1:" + silent.getLocalPort());

            assertEquals(1, run.exitCode(), run.describe());
            assertEquals("turnkit: no response from udp 127.0.0.1:" + silent.getLocalPort()
                    + " in 300 ms (2 requests sent)\n", run.err());
        }
    }

    @Test
    void shouldRefuseNatBehaviorOverTcp() {
        TurnkitRun run = TurnkitRun.run("stun", "--tcp", "--nat-behavior", "127.0.0.1");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: --nat-behavior runs over UDP only (RFC 5780 §4.4)\n", run.err());
    }

    @Test
    void shouldRefuseABadDuration() {
        TurnkitRun run = TurnkitRun.run("stun", "--timeout", "5", "127.0.0.1");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals(1, run.err().lines().count(), run.describe());
        assertTrue(run.err().contains("expected a duration above zero such as 20ms, 1.5s or 2m"), run.describe());
    }

    @Test
    void shouldRefuseAnUnbracketedIpv6Address() {
        TurnkitRun run = TurnkitRun.run("stun", "::1");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: an IPv6 address goes in brackets: [::1]\n", run.err());
    }

    private void start(String software) {
        server.start(dir, config -> {
            if (software != null) {
                config.softwareAttribute(software);
            }
        });
    }

    private int port(boolean udp) {
        return server.port(udp);
    }

    /** A loopback port nothing listens on: just released by a socket bound to it. */
    static int closedPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}
