package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.cli.log.CapturedConsole;

/** The slips a new operator makes, named by the server as it starts (its log goes to stderr). */
class ServeStartWarningsTest {
    @RegisterExtension
    final InProcessServer server = new InProcessServer();

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @Test
    void shouldNameTheRealmOfTheUsersWhenNoneIsOfTheServersRealm() {
        Path userdb = dir.resolve("turnuserdb.conf");
        TurnkitRun add = TurnkitRun.run("user", "add", "--userdb", userdb.toString(), "--realm", "other.example",
                "-u", "alice", "-p", "wonderland");
        assertEquals(0, add.exitCode(), add.describe());

        server.start(dir, config -> { });

        String log = console.err();
        assertTrue(log.contains("has users of realm other.example but none of this server's realm turnkit.test: "
                + "start serve with --realm other.example"), log);
    }

    @Test
    void shouldWarnAboutTheRestApiWithoutASecret() {
        server.start(dir, config -> config.auth(au -> au.useAuthSecret(true)));

        String log = console.err();
        assertTrue(log.contains("use-auth-secret without a secret: no static-auth-secret, and none for realm "
                + "turnkit.test in "), log);
    }

    @Test
    void shouldNotWarnAboutTheRestApiWithAStaticSecret() {
        server.start(dir, config -> config.auth(au -> au.useAuthSecret(true).addStaticAuthSecret("north")));

        assertTrue(!console.err().contains("without a secret"), console::err);
    }
}
