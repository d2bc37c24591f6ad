package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.store.credential.FileCredentialStore;

class SecretCommandTest {
    private static final String REALM = "example.org";

    @TempDir
    Path dir;

    private TurnkitRun secret(String... args) {
        return TurnkitRun.run(TurnkitRun.line("secret", args, "--userdb", userdb().toString(), "--realm", REALM));
    }

    private Path userdb() {
        return dir.resolve("userdb");
    }

    private List<String> stored(String realm) throws IOException {
        try (FileCredentialStore store = FileCredentialStore.open(userdb())) {
            return store.secrets(realm);
        }
    }

    @Test
    void shouldGenerateAndPrintA256BitSecretWhenNoneIsGiven() throws IOException {
        TurnkitRun run = secret("add");

        String printed = run.out().strip();
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(1, run.out().lines().count(), run.describe());
        assertEquals(SecretCommand.GENERATED_BYTES, Base64.getUrlDecoder().decode(printed).length);
        assertEquals(List.of(printed), stored(REALM));
    }

    @Test
    void shouldGenerateADifferentSecretEachTime() {
        assertNotEquals(secret("add").out(), secret("add").out());
    }

    @Test
    void shouldAddTheSecretGivenWithoutPrintingIt() throws IOException {
        TurnkitRun run = secret("add", "given-secret");

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("added a secret to realm example.org" + System.lineSeparator(), run.out());
        assertEquals(List.of("given-secret"), stored(REALM));
    }

    @Test
    void shouldRefuseASecretTheRealmHasAlready() {
        secret("add", "given-secret");

        TurnkitRun run = secret("add", "given-secret");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: realm example.org has this secret already in user database file " + userdb()
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldListTheSecretsOfTheRealmNewestFirst() {
        secret("add", "first");
        secret("add", "second");
        TurnkitRun.run("secret", "add", "elsewhere", "--userdb", userdb().toString(), "--realm", "other.org");

        TurnkitRun run = secret("list");

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(List.of("second", "first"), run.out().lines().toList());
    }

    @Test
    void shouldSayOnStderrThatTheDefaultRealmHasNoSecrets() {
        secret("add");

        TurnkitRun run = TurnkitRun.run("secret", "list", "--userdb", userdb().toString());

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("turnkit: realm " + RealmOption.hostName() + " has no secrets in user database "
                + "file " + userdb() + " (the realm defaults to the host name; --realm names another)"), run.describe());
    }

    @Test
    void shouldFailToListAUserDatabaseThatDoesNotExist() {
        Path typo = dir.resolve("typo");

        TurnkitRun run = TurnkitRun.run("secret", "list", "--userdb", typo.toString(), "--realm", REALM);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: no user database file " + typo + " ('turnkit user add' creates one)"
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldDeleteASecret() throws IOException {
        secret("add", "first");
        secret("add", "second");

        TurnkitRun run = secret("delete", "first");

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(List.of("second"), stored(REALM));
    }

    @Test
    void shouldFailToDeleteASecretTheRealmDoesNotHaveWithExit1() {
        TurnkitRun.run("secret", "add", "elsewhere", "--userdb", userdb().toString(), "--realm", "other.org");

        TurnkitRun run = secret("delete", "elsewhere");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: realm example.org has no such secret in user database file " + userdb()
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldRequireTheSecretToDeleteWithExit2() {
        TurnkitRun run = secret("delete");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: Missing required parameter: 'SECRET'"), run.describe());
    }
}
