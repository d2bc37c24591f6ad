package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsUclient;
import io.turnkit.conformance.support.UclientReport;

/**
 * IPv6 clients of a dual-stack server (127.0.0.1 and ::1, relaying from both), against the real jar: a client
 * over IPv6 that names no family gets an IPv4 relay (RFC 8656 §7.1, as coturn), a client asking for an
 * IPv6 relay with REQUESTED-ADDRESS-FAMILY gets one, over IPv4 or IPv6, and a client asking for both
 * (ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §7.2) gets a dual allocation.
 */
class Ipv6ClientTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";
    /** Messages per session: one second of traffic at uclient's 20 ms interval. */
    private static final int MESSAGES = 50;

    private static TurnkitServer server;

    @BeforeAll
    static void start() {
        server = TurnkitServer.withOptions(List.of("--listening-ip", "::1", "--relay-ip", "::1",
                "--user", USER + ":" + PASSWORD));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void shouldRelayBetweenIpv6RelaysUclientAsksForWithoutLoss() {
        // -x: REQUESTED-ADDRESS-FAMILY IPv6; -y: the relayed addresses talk to each other, in pairs, as in
        // TurnutilsUclientTest's forty clients.
        UclientReport report = TurnutilsUclient.run(server, List.of("-x", "-y", "-m", "40", "-v",
                "-n", Integer.toString(MESSAGES), "-u", USER, "-w", PASSWORD));

        report.assertAllDelivered(40 * MESSAGES, server.describe());
        assertTrue(report.output().contains("Received relay addr: ::1:"), report.describe());
    }

    @Test
    void shouldRelayForUclientOverIpv6BetweenIpv6RelaysWithoutLoss() {
        UclientReport report = TurnutilsUclient.runOverIpv6(server, List.of("-x", "-y", "-m", "40", "-v",
                "-n", Integer.toString(MESSAGES), "-u", USER, "-w", PASSWORD));

        report.assertAllDelivered(40 * MESSAGES, server.describe());
        assertTrue(report.output().contains("IPv6. Connected to: ::1:" + server.port()), report.describe());
        assertTrue(report.output().contains("Received relay addr: ::1:"), report.describe());
    }

    @Test
    void shouldRelayBetweenTheDualAllocationsUclientAsksForWithoutLoss() {
        // -Z: coturn's dual allocation, an IPv4 and an IPv6 relayed address in one Allocate.
        UclientReport report = TurnutilsUclient.run(server, List.of("-Z", "-y", "-m", "10", "-v",
                "-n", Integer.toString(MESSAGES), "-u", USER, "-w", PASSWORD));

        report.assertAllDelivered(10 * MESSAGES, server.describe());
        assertTrue(server.output().matches("(?s).*allocation created: user alice, client 127\\.0\\.0\\.\\d+:\\d+ "
                + "over udp, relayed 127\\.0\\.0\\.1:\\d+ and \\[::1\\]:\\d+.*"), server.describe());
    }

    @Test
    void shouldGiveAProbeOverIpv6AnIpv4Relay() {
        TurnkitCommand probe = TurnkitCommand.run("probe", "turn:[::1]:" + server.port(), "-u", USER,
                "-p", PASSWORD, "-n", "10", "--interval", "1ms");

        assertEquals(0, probe.exitCode(), probe.describe() + server.describe());
        assertTrue(probe.output().matches("(?s).*relayed address\\s+127\\.0\\.0\\.1:\\d+.*"),
                probe.describe());
    }
}
