package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.AllocationProbe;
import io.turnkit.conformance.support.ExternalProcess;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;

/**
 * What a coturn operator does on the first day, against the real jar: Debian's stock configuration and the flags
 * of Debian's systemd unit, {@code --verbose} with an address option, the printed iceServers entry under each
 * transport flag, and {@code systemctl reload} (SIGHUP), which must not stop the server.
 */
class CoturnOperatorTest {
    private static final Path DEBIAN_CONF = Path.of("/etc/turnserver.conf");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern ISO_8601_LINE =
            Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  turnkit ");

    @Test
    void shouldCheckDebiansStockTurnserverConf() {
        TurnkitCommand run = TurnkitCommand.run("config", "check", debianConf().toString());

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.output().contains("ignoring 'no-stun-backward-compatibility'"), run.describe());
        assertTrue(run.output().contains("syslog = on"), run.describe());
    }

    @Test
    void shouldServeWithDebiansStockConfAndTheSystemdUnitsFlags() {
        // /lib/systemd/system/coturn.service: ExecStart=/usr/bin/turnserver -c /etc/turnserver.conf --pidfile=
        try (TurnkitServer server = TurnkitServer.withOptions(
                List.of("-c", debianConf().toString(), "--pidfile=", "--user", "alice:wonderland"))) {
            assertTrue(AllocationProbe.allocates(server, "alice", "wonderland"), server.describe());
            assertTrue(ISO_8601_LINE.matcher(server.output()).find(), server.describe());
        }
    }

    @Test
    void shouldLogAtDebugWithVerboseAfterAnAddressOption() {
        // The harness names --listening-ip first: the option whose parsing once started logging too early.
        try (TurnkitServer server = TurnkitServer.withOptions(
                List.of("--user", "alice:wonderland", "--verbose"))) {
            assertTrue(AllocationProbe.allocates(server, "alice", "wonderland"), server.describe());

            server.awaitLineContaining("DEBUG Refresh of ", WAIT);
        }
    }

    @Test
    void shouldListOnlyUdpInTheIceServersEntryUnderNoTcp() {
        String entry = iceServersEntry(List.of("--no-tcp"));

        assertTrue(entry.contains("\"urls\": [\"turn:127.0.0.1:"), entry);
        assertTrue(entry.contains("?transport=udp\"]"), entry);
    }

    @Test
    void shouldListOnlyTcpInTheIceServersEntryUnderNoUdp() {
        String entry = iceServersEntry(List.of("--no-udp"));

        assertTrue(entry.contains("?transport=tcp\"]"), entry);
        assertTrue(!entry.contains("transport=udp"), entry);
    }

    @Test
    void shouldGiveThePublicAddressInTheIceServersEntryBehindANat() {
        String entry = iceServersEntry(List.of("--external-ip", "203.0.113.10/" + LoopbackPorts.LOOPBACK_IP));

        assertTrue(entry.contains("\"turn:203.0.113.10:"), entry);
    }

    @Test
    void shouldKeepServingAfterSighup() throws Exception {
        try (TurnkitServer server = TurnkitServer.withDefaultSighup(List.of("--user", "alice:wonderland"))) {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -HUP");

            server.awaitLineContaining("SIGHUP: reloaded the command line; every setting in effect", WAIT);
            assertTrue(AllocationProbe.allocates(server, "alice", "wonderland"), server.describe());
        }
    }

    @Test
    void shouldRunTheJarThroughTheLauncherAsTheReadmeDoes() throws Exception {
        Path launcher = TurnkitServer.turnkitJar().toAbsolutePath().getParent().getParent().getParent()
                .resolve("bin").resolve("turnkit");
        assertTrue(Files.isExecutable(launcher), launcher + " is executable");

        try (ExternalProcess run = ExternalProcess.start("bin/turnkit",
                List.of(launcher.toString(), "config", "check", debianConf().toString()))) {
            int exit = run.awaitExit(WAIT, () -> "");

            assertEquals(0, exit, run::describe);
            assertTrue(run.output().contains("syslog = on"), run::describe);
        }
    }

    /** The iceServers line a server with no users prints, started with {@code options}. */
    private static String iceServersEntry(List<String> options) {
        List<String> arguments = new ArrayList<>(List.of("--lt-cred-mech"));
        arguments.addAll(options);
        try (TurnkitServer server = TurnkitServer.withOptions(arguments)) {
            server.awaitLineContaining("iceServers: ", WAIT);
            return server.output().lines().filter(line -> line.contains("iceServers: ")).findFirst().orElseThrow();
        }
    }

    private static Path debianConf() {
        assertTrue(Files.isRegularFile(DEBIAN_CONF), "Debian's coturn package installs " + DEBIAN_CONF);
        return DEBIAN_CONF;
    }
}
