package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsPeer;
import io.turnkit.conformance.support.TurnutilsUclient;
import io.turnkit.conformance.support.UclientReport;

/**
 * coturn's turnutils_uclient against a turnkit with {@code --alternate-server} (and {@code --tls-alternate-server})
 * naming a second turnkit: each Allocate is answered 300 (Try Alternate), uclient follows ALTERNATE-SERVER
 * (RFC 8489 §10) and relays through the second server without loss; the first makes no allocation. The TLS
 * alternate is named by host name, so its 300 carries ALTERNATE-DOMAIN too (§14.16), which uclient passes over.
 */
class AlternateServerTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "conformance-password";
    private static final int MESSAGES = 20;
    private static final String REDIRECTED = "error 300 (Try Alternate)";
    private static final Duration LOG_LINE = Duration.ofSeconds(30);

    private static TurnkitServer alternate;
    private static TurnkitServer redirector;
    private static TurnutilsPeer peer;

    @BeforeAll
    static void start() {
        peer = TurnutilsPeer.start();
        alternate = TurnkitServer.withLongTermCredentials(USER, PASSWORD);
        redirector = TurnkitServer.withOptions(List.of("--lt-cred-mech", "--user", USER + ":" + PASSWORD,
                "--alternate-server", LOOPBACK_IP + ":" + alternate.port(),
                "--tls-alternate-server", "localhost:" + alternate.tlsPort()));
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(redirector, alternate, peer);
    }

    @Test
    void shouldFollowTheRedirectionOverUdpAndRelayThroughTheAlternate() {
        assertRelayedThroughTheAlternate(redirector.port(), alternate.port(), List.of());
    }

    @Test
    void shouldFollowTheTlsRedirectionAndRelayThroughTheTlsAlternate() {
        assertRelayedThroughTheAlternate(redirector.tlsPort(), alternate.tlsPort(), List.of("-t", "-S"));
    }

    private static void assertRelayedThroughTheAlternate(int port, int alternatePort, List<String> transport) {
        List<String> options = new ArrayList<>(List.of("-v", "-e", LOOPBACK_IP,
                "-r", Integer.toString(peer.port()), "-n", Integer.toString(MESSAGES), "-u", USER, "-w", PASSWORD));
        options.addAll(transport);
        UclientReport report = TurnutilsUclient.run(redirector, port, options);

        assertAll(report.describe() + redirector.describe() + alternate.describe(),
                () -> assertEquals(0, report.exitCode(), "exit code"),
                () -> assertEquals(2 * MESSAGES, report.sent(), "messages sent"),
                () -> assertEquals(report.sent(), report.received(), "messages received"),
                () -> assertEquals(0, report.lost(), "lost packets"),
                () -> assertTrue(report.output().contains(REDIRECTED), "a 300 from the first server"),
                () -> assertTrue(report.output().contains("Connected to: " + LOOPBACK_IP + ":" + alternatePort),
                        "uclient went to the alternate"),
                () -> assertTrue(report.errorLines().stream().allMatch(line -> line.contains(REDIRECTED)),
                        "no other error"));
        alternate.awaitLineContaining("allocation created: user " + USER, LOG_LINE);
        assertFalse(redirector.output().contains("allocation created"), redirector.describe());
    }
}
