package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static io.turnkit.conformance.support.TurnkitServer.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.AllocationProbe;
import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.TemporaryDirectory;
import io.turnkit.conformance.support.TurnkitCommand;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsPeer;
import io.turnkit.conformance.support.TurnutilsUclient;


/**
 * The credential commands against a running {@code turnkit serve}, each a process of its own, as an operator runs
 * them: a user added or deleted with {@code turnkit user} is let in or refused within two seconds, and what
 * {@code turnkit credentials} prints is accepted as it is by coturn's turnutils_uclient.
 */
class CredentialCommandsTest {
    /** A running server sees its user database change within this long. */
    private static final Duration PICKED_UP = Duration.ofSeconds(2);
    /**
     * Between two allocation attempts: a refused attempt counts against the server's limit of 10 failed logins a
     * minute (AuthRateLimiter), which polling without a pause would reach within the two seconds.
     */
    private static final long POLL_INTERVAL_MILLIS = 250;
    private static final String STATIC_SECRET = "conformance-static-secret";
    /** Messages per uclient session: enough to see relaying work both ways. */
    private static final int MESSAGES = 10;
    private static final Pattern ASSIGNMENT = Pattern.compile("^TURN_(USERNAME|PASSWORD)=(\\S+)$", Pattern.MULTILINE);
    private static final Pattern JSON_FIELD = Pattern.compile("\"(username|credential)\":\"([^\"]*)\"");

    private static TemporaryDirectory directory;
    private static TurnutilsPeer peer;

    @BeforeAll
    static void start() {
        directory = TemporaryDirectory.create("turnkit-credential-commands-");
        peer = TurnutilsPeer.start();
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(peer, directory);
    }

    /** A user database of this test's own, with one user: a server finding nobody makes a one-time user instead. */
    private static Path userdb(String name) {
        Path userdb = directory.path().resolve(name);
        onUserdb(userdb, "user", "add", "-u", "first", "-p", "first-password");
        return userdb;
    }

    /** Runs a turnkit command on {@code userdb}, in the servers' realm, and returns what it printed. */
    private static String onUserdb(Path userdb, String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--realm", REALM, "--userdb", userdb.toString()));
        return TurnkitCommand.succeed(command.toArray(String[]::new));
    }

    @Test
    void shouldLetAUserAddedWhileTheServerRunsAllocateWithinTwoSeconds() {
        Path userdb = userdb("added.userdb");
        try (TurnkitServer server = TurnkitServer.withUserDatabase(userdb, "--lt-cred-mech")) {
            assertFalse(AllocationProbe.allocates(server, "carol", "carol-password"), "carol before she was added");

            onUserdb(userdb, "user", "add", "-u", "carol", "-p", "carol-password");

            assertTrue(pollUntil(() -> AllocationProbe.allocates(server, "carol", "carol-password")),
                    "carol was not let in within " + PICKED_UP + server.describe());
        }
    }

    @Test
    void shouldRefuseAUserDeletedWhileTheServerRunsWithinTwoSeconds() {
        Path userdb = userdb("deleted.userdb");
        onUserdb(userdb, "user", "add", "-u", "dave", "-p", "dave-password");
        try (TurnkitServer server = TurnkitServer.withUserDatabase(userdb, "--lt-cred-mech")) {
            assertTrue(AllocationProbe.allocates(server, "dave", "dave-password"), "dave before he was deleted");

            onUserdb(userdb, "user", "delete", "-u", "dave");

            assertTrue(pollUntil(() -> !AllocationProbe.allocates(server, "dave", "dave-password")),
                    "dave was still let in " + PICKED_UP + " after he was deleted" + server.describe());
            assertTrue(AllocationProbe.allocates(server, "first", "first-password"), "the other user");
        }
    }

    @Test
    void shouldRelayWithCredentialsSignedWithTheSecretOfTheUserDatabase() {
        Path userdb = userdb("secret.userdb");
        onUserdb(userdb, "secret", "add");
        try (TurnkitServer server = TurnkitServer.withUserDatabase(userdb, "--use-auth-secret")) {
            String env = onUserdb(userdb, "credentials", "-u", "erin", "--ttl", "10m", "--format", "env");

            List<String> credentials = fields(ASSIGNMENT.matcher(env));
            assertTrue(credentials.get(0).endsWith(":erin"), env);
            relayThroughPeer(server, credentials.get(0), credentials.get(1));
        }
    }

    @Test
    void shouldRelayWithCredentialsSignedWithAStaticAuthSecret() {
        try (TurnkitServer server = TurnkitServer.withAuthSecret(STATIC_SECRET)) {
            String json = TurnkitCommand.succeed("credentials", "-u", "frank", "--static-auth-secret", STATIC_SECRET,
                    "--uri", "turn:" + LOOPBACK_IP + ":" + server.port());

            List<String> credentials = fields(JSON_FIELD.matcher(json));
            relayThroughPeer(server, credentials.get(0), credentials.get(1));
        }
    }

    /** Runs uclient with the credentials as they were printed: every message relayed to the peer comes back. */
    private static void relayThroughPeer(TurnkitServer server, String username, String password) {
        TurnutilsUclient.run(server, List.of("-e", LOOPBACK_IP, "-r", Integer.toString(peer.port()),
                        "-n", Integer.toString(MESSAGES), "-u", username, "-w", password))
                .assertAllDelivered(2 * MESSAGES, server.describe());
    }

    /** The second group of each match, in order: the user name first, then the password. */
    private static List<String> fields(Matcher matcher) {
        List<String> values = new ArrayList<>();
        while (matcher.find()) {
            values.add(matcher.group(2));
        }
        assertEquals(2, values.size(), "user name and password in the output");
        return values;
    }

    /**
     * Asks {@code condition} every {@value #POLL_INTERVAL_MILLIS} ms until it holds or {@link #PICKED_UP} has
     * passed; true when it held.
     */
    private static boolean pollUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PICKED_UP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
