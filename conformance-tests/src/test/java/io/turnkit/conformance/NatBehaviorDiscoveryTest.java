package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.ALTERNATE_IP;
import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.ExternalProcess;
import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;

/**
 * RFC 5780 NAT behavior discovery against turnkit with 127.0.0.1 as its primary and 127.0.0.2 as its alternate
 * address: coturn's turnutils_natdiscovery and turnkit's own {@code stun --nat-behavior} both find what loopback
 * is, endpoint-independent mapping and filtering, and the filtering test's answer comes from the alternate
 * address and port, as CHANGE-REQUEST asked.
 */
class NatBehaviorDiscoveryTest {
    private static final Path NATDISCOVERY = Path.of("/usr/bin/turnutils_natdiscovery");
    /** Its retransmissions give up within about 10 s per test; a hang beyond that is a failure. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static TurnkitServer server;

    @BeforeAll
    static void start() {
        server = TurnkitServer.withAlternateAddress(List.of("--lt-cred-mech", "--user", "alice:conformance-password"));
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(server);
    }

    @Test
    void shouldReportEndpointIndependentMappingAndFilteringToTurnutilsNatdiscovery() {
        assertEndpointIndependent(natdiscovery(List.of("-m", "-f")));
    }

    @Test
    void shouldAnswerPaddedRequestsOfTurnutilsNatdiscovery() {
        // -P: 1500 bytes of PADDING in each request (RFC 5780 §7.6), which the answers carry back.
        assertEndpointIndependent(natdiscovery(List.of("-m", "-f", "-P")));
    }

    @Test
    void shouldReportEndpointIndependentMappingAndFilteringToTurnkitStun() {
        TurnkitCommand run = TurnkitCommand.run("stun", "--nat-behavior", "--timeout", "5s",
                LOOPBACK_IP + ":" + server.port());

        assertAll(run.describe() + server.describe(),
                () -> assertEquals(0, run.exitCode(), "exit code"),
                () -> assertTrue(Pattern.compile("(?m)^mapping\\s+endpoint-independent$").matcher(run.output()).find(),
                        "mapping"),
                () -> assertTrue(Pattern.compile("(?m)^filtering\\s+endpoint-independent$").matcher(run.output())
                        .find(), "filtering"));
    }

    private static void assertEndpointIndependent(String output) {
        String context = output + server.describe();
        assertAll(context,
                () -> assertTrue(output.contains("NAT with Endpoint Independent Mapping!"), "mapping"),
                () -> assertTrue(output.contains("NAT with Endpoint Independent Filtering!"), "filtering"),
                // Filtering test II (RFC 5780 §4.4): change IP and port, answered from the other listener.
                () -> assertTrue(output.contains("Response origin: : " + ALTERNATE_IP + ":" + (server.port() + 1)),
                        "an answer from the alternate address and port"),
                () -> assertTrue(output.contains("Other addr: : " + ALTERNATE_IP + ":" + (server.port() + 1)),
                        "OTHER-ADDRESS"));
    }

    /** What turnutils_natdiscovery printed; it must exit 0. */
    private static String natdiscovery(List<String> options) {
        ExternalProcess.requireExecutable(NATDISCOVERY, "coturn");
        List<String> command = new ArrayList<>(List.of(NATDISCOVERY.toString()));
        command.addAll(options);
        command.addAll(List.of("-p", Integer.toString(server.port()), LOOPBACK_IP));
        try (ExternalProcess client = ExternalProcess.start("turnutils_natdiscovery",
                ExternalProcess.lineBuffered(command))) {
            int exitCode = client.awaitExit(TIMEOUT, server::describe);
            assertEquals(0, exitCode, () -> "exit code" + client.describe() + server.describe());
            return client.output();
        }
    }
}
