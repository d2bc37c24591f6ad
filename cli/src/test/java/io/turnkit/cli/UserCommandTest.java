package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.store.credential.FileCredentialStore;
import io.turnkit.store.credential.UserKeys;

class UserCommandTest {
    private static final String REALM = "example.org";

    @TempDir
    Path dir;

    private Path userdb;

    private TurnkitRun user(String... args) {
        return user(FakeTerminal.withStdin(""), args);
    }

    private TurnkitRun user(Terminal terminal, String... args) {
        userdb = dir.resolve("userdb");
        return TurnkitRun.run(terminal, TurnkitRun.line("user", args, "--userdb", userdb.toString()));
    }

    private Optional<UserKeys> stored(String realm, String username) throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(dir.resolve("userdb"))) {
            return store.user(realm, username);
        }
    }

    private static UserKeys keysOf(String username, String password) {
        return UserKeys.fromPassword(REALM, username, password, Instant.EPOCH);
    }

    @Test
    void shouldAddAUserWithBothKeysAndNoPassword() throws IOException {
        TurnkitRun run = user("add", "-u", "alice", "-p", "wonderland", "--realm", REALM);

        UserKeys expected = keysOf("alice", "wonderland");
        UserKeys keys = stored(REALM, "alice").orElseThrow();
        assertAll(run.describe(),
                () -> assertEquals(0, run.exitCode()),
                () -> assertEquals("added user alice to realm example.org (md5,sha256)" + System.lineSeparator(),
                        run.out()),
                () -> assertArrayEquals(expected.md5Key(), keys.md5Key()),
                () -> assertArrayEquals(expected.sha256Key(), keys.sha256Key()),
                () -> assertFalse(Files.readString(userdb).contains("wonderland"), "password in the file"));
    }

    @Test
    void shouldKeepOnlyTheMd5KeyWithAlgorithmMd5() throws IOException {
        TurnkitRun run = user("add", "-u", "alice", "-p", "pw", "--realm", REALM, "--algorithm", "md5");

        UserKeys keys = stored(REALM, "alice").orElseThrow();
        assertEquals(0, run.exitCode(), run.describe());
        assertArrayEquals(keysOf("alice", "pw").md5Key(), keys.md5Key());
        assertNull(keys.sha256Key());
    }

    @Test
    void shouldKeepOnlyTheSha256KeyWithAlgorithmSha256() throws IOException {
        TurnkitRun run = user("add", "-u", "alice", "-p", "pw", "--realm", REALM, "--algorithm", "sha256");

        UserKeys keys = stored(REALM, "alice").orElseThrow();
        assertEquals(0, run.exitCode(), run.describe());
        assertNull(keys.md5Key());
        assertArrayEquals(keysOf("alice", "pw").sha256Key(), keys.sha256Key());
    }

    @Test
    void shouldRejectAnUnknownAlgorithmWithExit2() {
        TurnkitRun run = user("add", "-u", "alice", "-p", "pw", "--realm", REALM, "--algorithm", "sha1");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: Invalid value for option '--algorithm': expected md5, sha256, both; got 'sha1'"
                + System.lineSeparator(), run.err());
        assertFalse(Files.exists(userdb), "store written");
    }

    @Test
    void shouldAddTheUserToTheHostNameRealmByDefault() throws IOException {
        TurnkitRun run = user("add", "-u", "alice", "-p", "pw");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(stored(RealmOption.hostName(), "alice").isPresent(), run.describe());
    }

    @Test
    void shouldRefuseToAddAUserThatExistsWithExit1() throws IOException {
        user("add", "-u", "alice", "-p", "first", "--realm", REALM);

        TurnkitRun run = user("add", "-u", "alice", "-p", "second", "--realm", REALM);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: user alice exists in realm example.org of user database file " + userdb
                + ": 'turnkit user passwd' changes the password" + System.lineSeparator(), run.err());
        assertArrayEquals(keysOf("alice", "first").md5Key(), stored(REALM, "alice").orElseThrow().md5Key());
    }

    @Test
    void shouldRequireTheUserWithExit2() {
        TurnkitRun run = user("add", "-p", "pw", "--realm", REALM);

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: Missing required option: '--user=NAME'" + System.lineSeparator() + "Usage: turnkit user add "), run.describe());
    }

    @Test
    void shouldReadThePasswordFromTheFirstLineOfStandardInput() throws IOException {
        TurnkitRun run = user(FakeTerminal.withStdin("from stdin\nsecond line\n"),
                "add", "-u", "alice", "--password-stdin", "--realm", REALM);

        assertEquals(0, run.exitCode(), run.describe());
        assertArrayEquals(keysOf("alice", "from stdin").md5Key(), stored(REALM, "alice").orElseThrow().md5Key());
    }

    @Test
    void shouldRefuseAnEmptyStandardInput() {
        TurnkitRun run = user(FakeTerminal.withStdin(""), "add", "-u", "alice", "--password-stdin", "--realm", REALM);

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: --password-stdin: standard input is empty" + System.lineSeparator(), run.err());
    }

    @Test
    void shouldAskForThePasswordTwiceAtTheTerminal() throws IOException {
        FakeTerminal terminal = FakeTerminal.typing("typed", "typed");

        TurnkitRun run = user(terminal, "add", "-u", "alice", "--realm", REALM);

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(List.of("Password for alice: ", "Retype the password: "), terminal.prompts);
        assertArrayEquals(keysOf("alice", "typed").md5Key(), stored(REALM, "alice").orElseThrow().md5Key());
    }

    @Test
    void shouldAddNothingWhenTheTypedPasswordsDiffer() throws IOException {
        TurnkitRun run = user(FakeTerminal.typing("one", "two"), "add", "-u", "alice", "--realm", REALM);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: the passwords typed differ; nothing was changed" + System.lineSeparator(), run.err());
        assertTrue(stored(REALM, "alice").isEmpty());
    }

    @Test
    void shouldRefuseToAddWithoutAPasswordWhenThereIsNoTerminal() throws IOException {
        TurnkitRun run = user(FakeTerminal.withStdin("not read"), "add", "-u", "alice", "--realm", REALM);

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: no password: give -p PASSWORD or --password-stdin, or run in a terminal to type it"
                + System.lineSeparator(), run.err());
        assertTrue(stored(REALM, "alice").isEmpty());
    }

    @Test
    void shouldRefuseAUserNameOpaqueStringDisallows() {
        TurnkitRun run = user("add", "-u", "al\u0007ice", "-p", "pw", "--realm", REALM);

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: --user: U+0007 is not allowed"), run.describe());
    }

    @Test
    void shouldRefuseARealmOverServesLimit() {
        TurnkitRun run = user("add", "-u", "alice", "-p", "pw", "--realm", "r".repeat(200));

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: --realm: expected 1 to 127 characters"), run.describe());
    }

    @Test
    void shouldChangeThePasswordAndKeepWhenTheUserWasAdded() throws IOException {
        user("add", "-u", "alice", "-p", "old", "--realm", REALM);
        Instant added = stored(REALM, "alice").orElseThrow().added();

        TurnkitRun run = user("passwd", "-u", "alice", "-p", "new", "--realm", REALM);

        UserKeys keys = stored(REALM, "alice").orElseThrow();
        assertEquals(0, run.exitCode(), run.describe());
        assertArrayEquals(keysOf("alice", "new").md5Key(), keys.md5Key());
        assertEquals(added, keys.added());
    }

    @Test
    void shouldFailToChangeThePasswordOfAMissingUserWithoutAskingForIt() {
        FakeTerminal terminal = FakeTerminal.typing();

        TurnkitRun run = user(terminal, "passwd", "-u", "nobody", "--realm", REALM);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: no user nobody in realm example.org of user database file " + userdb
                + System.lineSeparator(), run.err());
        assertEquals(List.of(), terminal.prompts);
    }

    @Test
    void shouldDeleteAUser() throws IOException {
        user("add", "-u", "alice", "-p", "pw", "--realm", REALM);
        user("add", "-u", "bob", "-p", "pw", "--realm", REALM);

        TurnkitRun run = user("delete", "-u", "alice", "--realm", REALM);

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("deleted user alice from realm example.org" + System.lineSeparator(), run.out());
        assertTrue(stored(REALM, "alice").isEmpty());
        assertTrue(stored(REALM, "bob").isPresent());
    }

    @Test
    void shouldFailToDeleteAMissingUserWithExit1() {
        user("add", "-u", "alice", "-p", "pw", "--realm", "other.org");

        TurnkitRun run = user("delete", "-u", "alice", "--realm", REALM);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: no user alice in realm example.org of user database file " + userdb
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldListUsersByRealmAndName() {
        user("add", "-u", "carol", "-p", "pw", "--realm", "b.example");
        user("add", "-u", "bob", "-p", "pw", "--realm", "a.example", "--algorithm", "md5");
        user("add", "-u", "alice", "-p", "pw", "--realm", "b.example", "--algorithm", "sha256");

        TurnkitRun run = user("list");

        List<String> lines = run.out().lines().toList();
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(4, lines.size(), run.describe());
        assertTrue(lines.get(0).matches("USER +REALM +ALGORITHMS +ADDED"), lines.get(0));
        assertTrue(lines.get(1).matches("bob +a\\.example +md5 +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
                lines.get(1));
        assertTrue(lines.get(2).matches("alice +b\\.example +sha256 +\\S+"), lines.get(2));
        assertTrue(lines.get(3).matches("carol +b\\.example +md5,sha256 +\\S+"), lines.get(3));
    }

    @Test
    void shouldListOnlyTheUsersOfTheRealmAsked() {
        user("add", "-u", "alice", "-p", "pw", "--realm", "a.example");
        user("add", "-u", "bob", "-p", "pw", "--realm", "b.example");

        TurnkitRun run = user("list", "--realm", "b.example");

        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.describe());
        assertTrue(lines.get(1).startsWith("bob "), run.describe());
    }

    @Test
    void shouldFailToListAUserDatabaseFileThatDoesNotExist() {
        TurnkitRun run = user("list");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: no user database file " + userdb + " ('turnkit user add' creates one)"
                + System.lineSeparator(), run.err());
        assertFalse(Files.exists(userdb), "a listing created the store");
    }

    @Test
    void shouldNameAnUnreadableUserDatabaseInOneLineWithExit1() throws IOException {
        Files.createDirectories(dir.resolve("userdb"));

        TurnkitRun run = user("list");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: cannot open user database: cannot read file " + userdb + ": Is a directory"
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldNameACorruptUserDatabaseInOneLineWithExit1() throws IOException {
        Files.writeString(dir.resolve("userdb"), "turnkit-credentials 1\nuser example.org\n", StandardCharsets.UTF_8);

        TurnkitRun run = user("add", "-u", "alice", "-p", "pw", "--realm", REALM);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals(1, run.err().lines().count(), run.describe());
        assertTrue(run.err().startsWith("turnkit: cannot open user database: cannot read file " + userdb + ":2: "),
                run.describe());
    }

    @Test
    void shouldPrintTheStackTraceOfAFailureOnlyWithVerbose() throws IOException {
        Files.createDirectories(dir.resolve("userdb"));

        TurnkitRun verbose = user("list", "--verbose");

        assertEquals(1, verbose.exitCode(), verbose.describe());
        assertTrue(verbose.err().lines().count() > 1, verbose.describe());
        assertTrue(verbose.err().contains("\tat io.turnkit."), verbose.describe());
    }

    @Test
    void shouldRejectAnUnknownSubcommandWithTheUsageAndExit2() {
        TurnkitRun run = user("rename", "-u", "alice");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: Unmatched argument"), run.describe());
        assertTrue(run.err().contains(System.lineSeparator() + "Usage: turnkit user "), run.describe());
    }

    @Test
    void shouldPrintUsageOnStderrWithExit2WithoutASubcommand() {
        TurnkitRun run = TurnkitRun.run("user");

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("Usage: turnkit user "), run.describe());
        assertTrue(run.err().contains("passwd"), run.describe());
    }
}
