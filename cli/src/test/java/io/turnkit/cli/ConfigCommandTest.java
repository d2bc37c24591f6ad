package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.cli.conf.ServeOption;

class ConfigCommandTest {
    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("turnserver.conf"), List.of(lines), StandardCharsets.UTF_8);
    }

    private static TurnkitRun check(Path conf) {
        return TurnkitRun.run("config", "check", conf.toString());
    }

    @Test
    void shouldPrintOneSettingPerServeOptionForAValidFile() throws IOException {
        TurnkitRun run = check(file("realm=example.org", "min-port 50000", "no-udp"));

        List<String> lines = run.out().lines().toList();
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("", run.err());
        assertEquals(ServeOption.values().length, lines.size(), run.describe());
        assertTrue(lines.contains("realm = example.org"), run.describe());
        assertTrue(lines.contains("min-port = 50000"), run.describe());
        assertTrue(lines.contains("no-udp = on"), run.describe());
        assertTrue(lines.contains("no-tcp = off"), run.describe());
        assertTrue(lines.contains("max-port = 65535"), run.describe());
    }

    @Test
    void shouldAcceptThePackagedSampleFileWithoutAWarning() {
        TurnkitRun run = check(Path.of("..", "packaging", "turnserver.conf"));

        List<String> lines = run.out().lines().toList();
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("", run.err(), "no option ignored or refused");
        assertTrue(lines.contains("realm = turn.example.com"), run.describe());
        assertTrue(lines.contains("use-auth-secret = on"), run.describe());
        assertTrue(lines.contains("prometheus = on"), run.describe());
        assertTrue(lines.contains("prometheus-address = 127.0.0.1"), run.describe());
        assertTrue(lines.contains("prometheus-port = 9641"), run.describe());
    }

    @Test
    void shouldNeverPrintPasswordsKeysOrSecrets() throws IOException {
        TurnkitRun run = check(file("realm=example.org", "user=alice:wonderland",
                "user=bob:0x0123456789abcdef0123456789abcdef", "static-auth-secret=hush"));

        List<String> lines = run.out().lines().toList();
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(lines.contains("user = alice:(set), bob:(set)"), run.describe());
        assertTrue(lines.contains("static-auth-secret = (set)"), run.describe());
        assertFalse(run.out().contains("wonderland"), run.describe());
        assertFalse(run.out().contains("0123456789"), run.describe());
        assertFalse(run.out().contains("hush"), run.describe());
    }

    @Test
    void shouldExitWith2AndServesOneLineErrorForABadValue() throws IOException {
        Path conf = file("realm=example.org", "max-port=70000");

        TurnkitRun run = check(conf);

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertEquals("turnkit: " + conf + ":2: max-port: expected a port number 1-65535, got '70000'"
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldExitWith2ForAnUnknownOption() throws IOException {
        Path conf = file("mobilty");

        TurnkitRun run = check(conf);

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: " + conf + ":1: unknown option 'mobilty' (turnkit serve --help lists the options)"
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldExitWith2ForSettingsThatDoNotFitTogether() throws IOException {
        TurnkitRun run = check(file("min-port=60000", "max-port=50000"));

        assertEquals(2, run.exitCode(), run.describe());
        assertEquals("turnkit: min-port 60000 is above max-port 50000" + System.lineSeparator(), run.err());
    }

    @Test
    void shouldWarnAboutAnIgnoredCoturnOptionAsServeDoes() throws IOException {
        Path conf = file("realm=example.org", "no-cli");

        TurnkitRun run = check(conf);

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("turnkit: warning: " + conf + ":2: ignoring 'no-cli': turnkit has no telnet admin interface; "
                + "--web-admin serves an HTTP one"
                + System.lineSeparator(), run.err());
    }

    @Test
    void shouldAcceptDebiansStockTurnserverConf() throws Exception {
        Path conf = Path.of(ConfigCommandTest.class.getResource("conf/debian-turnserver.conf").toURI());

        TurnkitRun run = check(conf);

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains("syslog = on" + System.lineSeparator()), run.describe());
    }

    @Test
    void shouldExitWith1WhenTheFileCannotBeRead() {
        Path missing = dir.resolve("missing.conf");

        TurnkitRun run = check(missing);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("turnkit: cannot read " + missing + ": no such file" + System.lineSeparator(), run.err());
    }

    @Test
    void shouldRequireTheFileWithExit2() {
        TurnkitRun run = TurnkitRun.run("config", "check");

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("turnkit: Missing required parameter: 'FILE'" + System.lineSeparator() + "Usage: turnkit config check "), run.describe());
    }
}
