package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.server.auth.RestApiCredentials;

class CredentialsCommandTest {
    private static final String REALM = "example.org";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String URI = "turn:turn.example.org:3478?transport=udp";

    @TempDir
    Path dir;

    private TurnkitRun credentials(String... args) {
        return TurnkitRun.run(CLOCK,
                TurnkitRun.line("credentials", args, "--userdb", dir.resolve("userdb").toString(), "--realm", REALM));
    }

    private void addSecret(String secret) {
        TurnkitRun run = TurnkitRun.run("secret", "add", secret, "--userdb", dir.resolve("userdb").toString(),
                "--realm", REALM);
        assertEquals(0, run.exitCode(), run.describe());
    }

    @Test
    void shouldSignWithTheNewestSecretOfTheRealmAndPrintAnIceServersEntry() {
        addSecret("old-secret");
        addSecret("new-secret");

        TurnkitRun run = credentials("--user", "alice", "--uri", URI);

        String username = (NOW.getEpochSecond() + 24 * 3600) + ":alice";
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("{\"urls\":[\"" + URI + "\"],\"username\":\"" + username + "\",\"credential\":\""
                + RestApiCredentials.password("new-secret", username) + "\"}" + System.lineSeparator(), run.out());
    }

    @Test
    void shouldMakeACredentialTheServerAcceptsUntilItExpires() {
        TurnkitRun run = credentials("-u", "alice", "--ttl", "10m", "--static-auth-secret", "s", "--format", "env");

        String username = run.out().lines().findFirst().orElseThrow().substring("TURN_USERNAME=".length());
        String password = run.out().lines().skip(1).findFirst().orElseThrow().substring("TURN_PASSWORD=".length());
        RestApiCredentials atExpiry = new RestApiCredentials(List.of("s"), ':', Clock.fixed(NOW.plusSeconds(600),
                ZoneOffset.UTC));
        RestApiCredentials after = new RestApiCredentials(List.of("s"), ':', Clock.fixed(NOW.plusSeconds(601),
                ZoneOffset.UTC));
        assertEquals(List.of(password), atExpiry.passwords(username), run.describe());
        assertEquals(List.of(), after.passwords(username), run.describe());
    }

    @ParameterizedTest
    @CsvSource({"90s, 90", "10m, 600", "24h, 86400", "7d, 604800", "3650d, 315360000"})
    void shouldTakeTheTimeToLiveInSecondsMinutesHoursOrDays(String ttl, long seconds) {
        TurnkitRun run = credentials("-u", "alice", "--ttl", ttl, "--static-auth-secret", "s", "--format", "env");

        assertTrue(run.out().startsWith("TURN_USERNAME=" + (NOW.getEpochSecond() + seconds) + ":alice"),
                run.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5y", "0s", "10", "3651d", "1.5h", "-1h", "9999999999s"})
    void shouldRejectABadTimeToLiveWithExit2(String ttl) {
        TurnkitRun run = credentials("-u", "alice", "--ttl", ttl, "--static-auth-secret", "s");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: Invalid value for option '--ttl': expected a time to live such as 90s, 10m, 24h or "
                + "7d, from 1s to 3650d; got '" + ttl + "'" + System.lineSeparator(), run.err());
    }

    @Test
    void shouldPrintShellAssignmentsQuotedWhereTheShellNeedsIt() {
        TurnkitRun run = credentials("-u", "o'brien", "--static-auth-secret", "s", "--format", "env",
                "--uri", "turn:a:3478?transport=udp", "--uri", "turn:a:3478?transport=tcp");

        List<String> lines = run.out().lines().toList();
        String username = (NOW.getEpochSecond() + 24 * 3600) + ":o'brien";
        assertEquals(List.of(
                "TURN_USERNAME='" + username.replace("'", "'\\''") + "'",
                "TURN_PASSWORD=" + RestApiCredentials.password("s", username),
                "TURN_URIS='turn:a:3478?transport=udp,turn:a:3478?transport=tcp'"), lines);
    }

    @Test
    void shouldEscapeTheUserInJson() {
        TurnkitRun run = credentials("-u", "a\"b\\c", "--static-auth-secret", "s", "--uri", URI);

        assertTrue(run.out().contains(":a\\\"b\\\\c\","), run.describe());
    }

    @Test
    void shouldPrintTextForAPersonToRead() {
        TurnkitRun run = credentials("-u", "alice", "--ttl", "1h", "--static-auth-secret", "s", "--format", "text",
                "--uri", URI);

        String username = (NOW.getEpochSecond() + 3600) + ":alice";
        assertEquals(List.of(
                "username  " + username,
                "password  " + RestApiCredentials.password("s", username),
                "expires   2030-01-01T01:00:00Z",
                "uris      " + URI), run.out().lines().toList());
    }

    @Test
    void shouldUseTheSeparatorGiven() {
        TurnkitRun run = credentials("-u", "alice", "--static-auth-secret", "s", "--rest-api-separator", "-",
                "--format", "text");

        assertTrue(run.out().startsWith("username  " + (NOW.getEpochSecond() + 24 * 3600) + "-alice"),
                run.describe());
    }

    @Test
    void shouldOfferTurnOverUdpAndTcpOnTheHostByDefault() {
        TurnkitRun run = credentials("-u", "alice", "--static-auth-secret", "s", "--format", "text");

        String host = RealmOption.hostName();
        assertTrue(run.out().contains("uris      turn:" + host + ":3478?transport=udp turn:" + host
                + ":3478?transport=tcp"), run.describe());
    }

    @Test
    void shouldNotOpenTheStoreWithAStaticAuthSecret() throws Exception {
        Files.createDirectories(dir.resolve("userdb"));

        TurnkitRun run = credentials("-u", "alice", "--static-auth-secret", "s");

        assertEquals(0, run.exitCode(), run.describe());
    }

    @Test
    void shouldFailWithExit1WhenTheRealmHasNoSecret() {
        TurnkitRun.run("secret", "add", "elsewhere", "--userdb", dir.resolve("userdb").toString(),
                "--realm", "other.org");

        TurnkitRun run = credentials("-u", "alice");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: no REST API secret for realm example.org in user database file "
                + dir.resolve("userdb") + ": add one with 'turnkit secret add', or give --static-auth-secret"
                + System.lineSeparator(), run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldRequireTheUserWithExit2() {
        TurnkitRun run = credentials("--static-auth-secret", "s");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: Missing required option: '--user=NAME'" + System.lineSeparator() + "Usage: turnkit credentials "), run.describe());
    }

    @Test
    void shouldRejectAnUnknownFormatWithExit2() {
        TurnkitRun run = credentials("-u", "alice", "--static-auth-secret", "s", "--format", "yaml");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: Invalid value for option '--format': expected json, env, text; got 'yaml'"
                + System.lineSeparator(), run.err());
    }
}
