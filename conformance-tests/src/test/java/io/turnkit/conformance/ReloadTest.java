package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.AllocationProbe;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.stun.StunErrorCode;

/**
 * SIGHUP ({@code systemctl reload}, by the packaged unit's ExecReload=) on the real jar: the config file read
 * again, its peer policy applied to allocations already there and its users let in without a restart; a broken
 * file refused with the reason, the settings in effect kept; a change that needs a restart named.
 */
class ReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    @Test
    void shouldApplyADeniedPeerWithoutRestartAndKeepItWhenTheNextFileIsBroken() throws Exception {
        Path conf = temp.resolve("turnserver.conf");
        Files.writeString(conf, "user=alice:wonderland\n", StandardCharsets.UTF_8);
        try (TurnkitServer server = TurnkitServer.withDefaultSighup(List.of("-c", conf.toString()));
                RelayedClient client = RelayedClient.allocate(server, "alice", "wonderland")) {
            client.relayBothWays("allowed at first");

            assertFalse(AllocationProbe.allocates(server, "bob", "builder"));

            Files.writeString(conf, "user=alice:wonderland\nuser=bob:builder\ndenied-peer-ip="
                    + LoopbackPorts.LOOPBACK_IP + "\nstale-nonce=300\n", StandardCharsets.UTF_8);
            reloadAsTheSystemdUnitDoes(server);
            server.awaitLineContaining("SIGHUP: reloaded " + conf + "; not changed until a restart: stale-nonce",
                    WAIT);

            assertForbidden(client);
            assertTrue(AllocationProbe.allocates(server, "bob", "builder"), "a user added to the file is let in");

            Files.writeString(conf, "user=alice:wonderland\ndenied-peer-ip=not-an-address\n", StandardCharsets.UTF_8);
            server.signal("HUP");
            server.awaitLineContaining("SIGHUP: reload refused, still serving with the previous settings: ", WAIT);
            server.awaitLineContaining("not-an-address", WAIT);

            assertForbidden(client);
        }
    }

    @Test
    void shouldGiveTheJvmEveryOptionOfTheSystemdUnitsEnvironment() throws IOException {
        // systemd splits an unquoted Environment= value at spaces and ignores what has no '=' (systemd.exec(5)):
        // an unquoted "JAVA_OPTS=-XX:A -XX:B" loses -XX:B.
        List<String> environment = unitLines("Environment=");
        assertFalse(environment.isEmpty(), "packaging/turnkit.service sets JAVA_OPTS");
        for (String line : environment) {
            String value = line.substring("Environment=".length());
            assertTrue(!value.contains(" ") || value.startsWith("\"") && value.endsWith("\""), line);
        }
    }

    /** Runs the packaged unit's ExecReload= command, with $MAINPID the server's, as {@code systemctl reload} does. */
    private static void reloadAsTheSystemdUnitDoes(TurnkitServer server) throws IOException, InterruptedException {
        List<String> reload = unitLines("ExecReload=");
        assertEquals(1, reload.size(), "one ExecReload= in packaging/turnkit.service");
        String command = reload.get(0).substring("ExecReload=".length()).replace("$MAINPID", Long.toString(server.pid()));
        Process kill = new ProcessBuilder(command.split(" ")).inheritIO().start();
        assertEquals(0, kill.waitFor(), command);
    }

    private static List<String> unitLines(String key) throws IOException {
        return Files.readAllLines(Path.of("..", "packaging", "turnkit.service")).stream()
                .filter(line -> line.startsWith(key))
                .toList();
    }

    private static void assertForbidden(RelayedClient client) {
        // RFC 8656 §10.2: a peer the policy refuses gets 403 (Forbidden).
        ErrorResponseException refused = assertThrows(ErrorResponseException.class, client::permitPeerAgain);
        assertEquals(StunErrorCode.FORBIDDEN, refused.errorCode());
    }
}
