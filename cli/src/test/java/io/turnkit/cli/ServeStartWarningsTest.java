package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The slips a new operator makes, named by the server as it starts (its log goes to stderr). */
class ServeStartWarningsTest {
    @RegisterExtension
    final InProcessServer server = new InProcessServer();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    @Test
    void shouldNameTheRealmOfTheUsersWhenNoneIsOfTheServersRealm() {
        Path userdb = dir.resolve("turnuserdb.conf");
        TurnkitRun add = TurnkitRun.run("user", "add", "--userdb", userdb.toString(), "--realm", "other.example",
                "-u", "alice", "-p", "wonderland");
        assertEquals(0, add.exitCode(), add.describe());

        server.start(dir, config -> config.ltCredMech(true));

        String log = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("has users of realm other.example but none of this server's realm turnkit.test: "
                + "start serve with --realm other.example"), log);
    }

    @Test
    void shouldWarnAboutTheRestApiWithoutASecret() {
        server.start(dir, config -> config.useAuthSecret(true));

        String log = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("use-auth-secret without a secret: no static-auth-secret, and none for realm "
                + "turnkit.test in "), log);
    }

    @Test
    void shouldNotWarnAboutTheRestApiWithAStaticSecret() {
        server.start(dir, config -> config.useAuthSecret(true).addStaticAuthSecret("north"));

        assertTrue(!stderr.toString(StandardCharsets.UTF_8).contains("without a secret"), stderr::toString);
    }
}
