package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.ExternalProcess;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.TurnkitServer;

/**
 * coturn's STUN clients against turnkit: a Binding request over UDP gets a success response whose
 * XOR-MAPPED-ADDRESS (RFC 8489 §14.2) is the address the request came from, here 127.0.0.1 and the client's
 * own port, since nothing translates addresses on loopback.
 */
class TurnutilsStunclientTest {
    private static final Path STUNCLIENT = Path.of("/usr/bin/turnutils_stunclient");
    private static final Path NATDISCOVERY = Path.of("/usr/bin/turnutils_natdiscovery");
    /** Both tools print "IPv4. UDP reflexive addr: 127.0.0.1:40123" for the mapped address. */
    private static final Pattern REFLEXIVE = Pattern.compile("UDP reflexive addr: ([0-9.]+):(\\d+)");
    /** Their retransmissions give up within about 10 s; a hang beyond that is a failure. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static TurnkitServer server;

    @BeforeAll
    static void start() {
        server = TurnkitServer.withLongTermCredentials("alice", "conformance-password");
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(server);
    }

    @Test
    void shouldReportLoopbackAsMappedAddress() {
        // turnutils_stunclient has no option for its local port: the kernel picks an ephemeral one.
        MappedAddress mapped = run(STUNCLIENT, List.of("-L", LOOPBACK_IP));
        assertAll(mapped.context(),
                () -> assertEquals(LOOPBACK_IP, mapped.ip(), "mapped IP"),
                () -> assertTrue(mapped.port() >= 1024 && mapped.port() <= 65_535, "mapped port is a client port"),
                () -> assertNotEquals(server.port(), mapped.port(), "mapped port is not the server's"));
    }

    @Test
    void shouldReportTheClientPortAsMappedPort() {
        // turnutils_natdiscovery -m (RFC 5780 §4.3 mapping test) binds the local port it is given.
        int clientPort = LoopbackPorts.freeUdpAndTcpPort();
        MappedAddress mapped = run(NATDISCOVERY,
                List.of("-m", "-L", LOOPBACK_IP, "-l", Integer.toString(clientPort)));
        assertAll(mapped.context(),
                () -> assertEquals(LOOPBACK_IP, mapped.ip(), "mapped IP"),
                () -> assertEquals(clientPort, mapped.port(), "mapped port"));
    }

    /** The first mapped address the tool printed; it must exit 0 and print one. */
    private static MappedAddress run(Path program, List<String> options) {
        ExternalProcess.requireExecutable(program, "coturn");
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(options);
        command.addAll(List.of("-p", Integer.toString(server.port()), LOOPBACK_IP));
        try (ExternalProcess client = ExternalProcess.start(program.getFileName().toString(),
                ExternalProcess.lineBuffered(command))) {
            int exitCode = client.awaitExit(TIMEOUT, server::describe);
            String context = client.describe() + server.describe();
            assertEquals(0, exitCode, () -> "exit code" + context);
            Matcher matcher = REFLEXIVE.matcher(client.output());
            assertTrue(matcher.find(), () -> "no reflexive address printed" + context);
            return new MappedAddress(matcher.group(1), Integer.parseInt(matcher.group(2)), context);
        }
    }

    /** A mapped address as printed, with the tools' output for failure messages. */
    private record MappedAddress(String ip, int port, String context) {
    }
}
