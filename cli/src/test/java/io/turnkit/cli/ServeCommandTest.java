package io.turnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.cli.log.LogSetup;
import io.turnkit.server.ServerStartException;
import io.turnkit.server.config.AddressFamily;
import io.turnkit.server.config.Limits;
import io.turnkit.server.config.Relay;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.policy.AddressRange;
import picocli.CommandLine;

class ServeCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** serve sets the whole JVM's logging (level, syslog…); other tests run in it too. */
    @AfterEach
    void restoreLogging() {
        LogSetup.applyDefaults();
    }

    @Test
    void shouldRejectABadPortInOneLineWithExitCode2() {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "--min-port", "abc");

        assertEquals(2, exit);
        assertEquals("turnkit: --min-port: expected a port number 1-65535, got 'abc'" + System.lineSeparator(),
                err.toString());
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void shouldRejectABadRangeNamingTheFlag() {
        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "--denied-peer-ip", "10.0.0.0/33");

        assertEquals(2, exit);
        assertEquals("turnkit: --denied-peer-ip: expected an address, a CIDR block (10.0.0.0/8, fd00::/8) or a range "
                + "FIRST-LAST, got '10.0.0.0/33'" + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldRejectAnUnknownFlagWithTheUsage() {
        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "--mobilty");

        assertEquals(2, exit);
        assertTrue(err.toString().startsWith("turnkit: Unknown option: '--mobilty'" + System.lineSeparator()
                + "Usage: turnkit serve "), err.toString());
    }

    @Test
    void shouldRejectOptionsThatDoNotFitTogether() {
        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "--min-port", "60000", "--max-port", "50000");

        assertEquals(2, exit);
        assertEquals("turnkit: min-port 60000 is above max-port 50000" + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldRejectAnUnknownOptionInTheFileNamingItsLine() throws IOException {
        Path conf = file("realm=example.org", "# MICE", "mobilty");
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "-c", conf.toString());

        assertEquals(2, exit);
        assertEquals("turnkit: " + conf + ":3: unknown option 'mobilty' (turnkit serve --help lists the options)"
                + System.lineSeparator(), err.toString());
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void shouldRejectABadValueInTheFileNamingItsLine() throws IOException {
        Path conf = file("realm=example.org", "max-port=70000");

        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "--config", conf.toString());

        assertEquals(2, exit);
        assertEquals("turnkit: " + conf + ":2: max-port: expected a port number 1-65535, got '70000'"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldWarnAboutAnIgnoredCoturnOptionAndStart() throws IOException {
        Path conf = file("realm=example.org", "no-cli");
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "-c", conf.toString());

        assertEquals(0, exit);
        assertEquals("turnkit: warning: " + conf + ":2: ignoring 'no-cli': turnkit has no telnet admin interface; "
                + "--web-admin serves an HTTP one" + System.lineSeparator(), err.toString());
        assertEquals(1, launcher.launched.size());
    }

    @Test
    void shouldExitWith1WhenTheFileCannotBeRead() {
        Path missing = dir.resolve("missing.conf");

        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "-c", missing.toString());

        assertEquals(1, exit);
        assertEquals("turnkit: cannot read " + missing + ": no such file" + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldLetTheCommandLineWinOverTheFile() throws Exception {
        Path conf = file("realm=example.org", "min-port=50000", "user=alice:a", "user=bob:b", "no-udp");

        ServerConfig config = serverConfig("serve", "-c", conf.toString(), "--min-port", "55000", "-u", "carol:c");

        assertEquals(55000, config.relay().minPort());
        assertEquals(Map.of("carol", "c"), config.auth().users());
    }

    @Test
    void shouldKeepTheFileSettingsTheCommandLineLeavesAlone() throws Exception {
        Path conf = file("realm=example.org", "min-port=50000", "denied-peer-ip=10.0.0.0/8", "no-udp");

        ServerConfig config = serverConfig("serve", "-c", conf.toString(), "--max-port", "60000");

        assertEquals(50000, config.relay().minPort());
        assertEquals(60000, config.relay().maxPort());
        assertEquals(List.of(AddressRange.parse("10.0.0.0/8")), config.peers().deniedPeerRanges());
        assertTrue(config.listeners().noUdp());
    }

    @Test
    void shouldKeepTheLastOfARepeatedFlag() throws Exception {
        ServerConfig config = serverConfig("serve", "-r", "r", "-p", "4000", "--listening-port", "5000");

        assertEquals(5000, config.listeners().listeningPort());
    }

    @Test
    void shouldReadEveryCoturnShortName() throws Exception {
        ServerConfig config = serverConfig("serve", "-r", "r", "-a", "-L", "10.0.0.1", "-E", "10.0.0.1",
                "-X", "60.70.80.91", "-q", "3", "-Q", "30", "-s", "1000", "-b", "/tmp/u", "-v");

        assertTrue(config.logging().verbose());
        assertEquals(30, config.limits().totalQuota());
    }

    @Test
    void shouldTakeCoturnsDashCapitalVAsVerboseNotAsTheVersion() throws Exception {
        ServerConfig config = serverConfig("serve", "-r", "r", "-V");

        assertTrue(config.logging().verbose());
    }

    @Test
    void shouldReadCoturnsOtherShortFlags() throws Exception {
        ServerConfig config = serverConfig("serve", "-r", "r", "-l", "stdout", "-C", "-", "-A", "ipv6", "-K");

        assertEquals("stdout", config.logging().logFile());
        assertEquals('-', config.auth().restApiSeparator());
        assertEquals(AddressFamily.KEEP, config.relay().allocationDefaultAddressFamily());
    }

    @Test
    void shouldWarnAboutAnIgnoredCoturnFlagOnTheCommandLineAndStart() {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "-r", "r", "-o", "--dh-file", "/etc/dhparam.pem");

        assertEquals(0, exit);
        assertEquals(List.of("turnkit: warning: ignoring '--dh-file': turnkit's TLS key exchanges are the JDK's",
                "turnkit: warning: ignoring '-o': turnkit stays in the foreground: run it under systemd, or "
                        + "start-stop-daemon --background"), err.toString().lines().toList());
        assertEquals(1, launcher.launched.size());
    }

    @Test
    void shouldRefuseACoturnFlagItCannotHonourSayingWhatToUseInstead() {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "-r", "r", "--proc-user", "turnserver");

        assertEquals(2, exit);
        assertEquals("turnkit: '--proc-user' is not supported: turnkit does not change its user or group; instead: "
                + "run turnkit under systemd's User= and Group=" + System.lineSeparator(), err.toString());
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void shouldAcceptDebiansStockTurnserverConfWithTheSystemdUnitsFlags() throws Exception {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        // /lib/systemd/system/coturn.service: turnserver -c /etc/turnserver.conf --pidfile=
        int exit = run(launcher, "serve", "-c", debianConf(), "--pidfile=");

        assertEquals(0, exit, err::toString);
        assertEquals(1, launcher.launched.size());
        assertEquals(null, launcher.launched.get(0).logging().pidfile());
        assertTrue(launcher.launched.get(0).logging().syslog());
        assertTrue(err.toString().contains("ignoring 'no-stun-backward-compatibility'"), err.toString());
    }

    @Test
    void shouldAcceptTheDebianInitScriptsDefaultFlags() throws Exception {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        // /etc/init.d/coturn: DAEMON_ARGS="-c /etc/turnserver.conf -o -v"
        int exit = run(launcher, "serve", "-c", debianConf(), "-o", "-v");

        assertEquals(0, exit, err::toString);
        assertTrue(launcher.launched.get(0).logging().verbose());
    }

    @Test
    void shouldListenOnTheAddressesOfTheListeningDevice() throws Exception {
        ServerConfig config = serverConfig("serve", "-r", "r", "-d", "lo");

        assertTrue(config.listeners().listeningIps().contains(java.net.InetAddress.getByName("127.0.0.1")), config::toString);
        assertEquals("lo", config.listeners().listeningDevice());
    }

    @Test
    void shouldRefuseAListeningDeviceThatDoesNotExist() {
        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "-r", "r", "--listening-device", "nosuch0");

        assertEquals(2, exit);
        assertEquals("turnkit: --listening-device: no network interface 'nosuch0' ('ip link' lists them)"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldLetNoLoopbackPeersUndoAllowLoopbackPeersOfTheFile() throws Exception {
        ServerConfig config = serverConfig("serve", "-c", file("realm=r", "allow-loopback-peers").toString(),
                "--no-loopback-peers");

        assertFalse(config.peers().allowLoopbackPeers());
    }

    @Test
    void shouldNameTheServerAfterItsRealmUnlessServerNameIsGiven() throws Exception {
        assertEquals("r", serverConfig("serve", "-r", "r").serverName());
        assertEquals("turn-1", serverConfig("serve", "-r", "r", "--server-name", "turn-1").serverName());
    }

    @Test
    void shouldReadNoFileWithDashN() throws Exception {
        ServerConfig config = serverConfig("serve", "-n", "-c", file("realm=from-the-file").toString(), "-r", "r");

        assertEquals("r", config.auth().realm());
    }

    @Test
    void shouldWriteThePidFileWhileServingAndRemoveItAfter() throws Exception {
        Path pidfile = dir.resolve("turnserver.pid");
        List<String> seen = new java.util.ArrayList<>();
        FakeLauncher fake = FakeLauncher.stoppingAtOnce();
        CommandLine commandLine = Turnkit.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == ServeCommand.class ? type.cast(new ServeCommand(config -> {
                    seen.add(read(pidfile));
                    return fake.launch(config);
                })) : CommandLine.defaultFactory().create(type);
            }
        });
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute("serve", "-r", "r", "--pidfile", pidfile.toString());

        assertEquals(0, exit, err::toString);
        assertEquals(List.of(ProcessHandle.current().pid() + "\n"), seen);
        assertFalse(Files.exists(pidfile));
    }

    @Test
    void shouldExitWith1WhenThePidFileCannotBeWritten() {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();
        Path pidfile = dir.resolve("no-such-dir").resolve("turnserver.pid");

        int exit = run(launcher, "serve", "-r", "r", "--pidfile", pidfile.toString());

        assertEquals(1, exit);
        assertTrue(err.toString().startsWith("turnkit: cannot write pid file " + pidfile), err.toString());
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void shouldWarnWhenADeniedRangeHidesAnAllowedOne() {
        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "-r", "r", "--allowed-peer-ip", "83.166.68.45",
                "--denied-peer-ip", "83.166.64.0-83.166.95.255");

        assertEquals(0, exit);
        assertEquals("turnkit: warning: allowed-peer-ip 83.166.68.45 overlaps denied-peer-ip 83.166.64.0/19: the denied "
                + "range wins in turnkit (in coturn the allowed one did)" + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldStartTheServerWithTheConfigurationAndExit0WhenItStops() {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "--realm", "example.org", "--allow-loopback-peers");

        assertEquals(0, exit);
        assertEquals(1, launcher.launched.size());
        assertTrue(launcher.launched.get(0).peers().allowLoopbackPeers());
    }

    @Test
    void shouldReportAServerThatCannotStartInOneLineWithExitCode1() {
        FakeLauncher launcher = FakeLauncher.failing(new ServerStartException("cannot listen on udp 0.0.0.0:3478"));

        int exit = run(launcher, "serve", "-r", "r");

        assertEquals(1, exit);
        assertEquals("turnkit: cannot listen on udp 0.0.0.0:3478" + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldReportACertificateFileThatIsNoCertificateInOneLineWithExitCode1() throws IOException {
        Path cert = file("not a certificate");

        TurnkitRun serve = TurnkitRun.run("serve", "-r", "r", "--user", "alice:wonderland", "--listening-ip",
                "127.0.0.1", "--listening-port", "0", "--tls-listening-port", "0", "--cert", cert.toString(),
                "--pkey", cert.toString());

        assertEquals(1, serve.exitCode(), serve.describe());
        assertEquals(1, serve.err().lines().count(), serve.describe());
        assertTrue(serve.err().startsWith("turnkit: ") && serve.err().contains(cert.toString()), serve.describe());
    }

    @Test
    void shouldAddTheStackTraceWhenVerbose() {
        FakeLauncher launcher = FakeLauncher.failing(new ServerStartException("cannot listen on udp 0.0.0.0:3478"));

        int exit = run(launcher, "serve", "-r", "r", "--verbose");

        assertEquals(1, exit);
        assertTrue(err.toString().contains("io.turnkit.server.ServerStartException: cannot listen on udp 0.0.0.0:3478"
                + System.lineSeparator() + "\tat "), err.toString());
    }

    @Test
    void shouldListCoturnsOptionNamesInHelp() {
        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "--help");

        assertEquals(0, exit);
        assertTrue(out.toString().contains("-X, --external-ip=PUBLIC[/PRIVATE]"), out.toString());
        assertTrue(out.toString().contains("--software-attribute[=TEXT]"), out.toString());
    }

    @Test
    void shouldShowTheDefaultsTheSettingsHoldInHelp() {
        int exit = run(FakeLauncher.stoppingAtOnce(), "serve", "--help");

        String help = out.toString().replaceAll("\\s+", " ");
        assertEquals(0, exit);
        assertTrue(help.contains("Default: " + Limits.DEFAULT_MAX_TCP_CONNECTIONS + "."), help);
        assertTrue(help.contains("Default: " + Limits.DEFAULT_TCP_IDLE_TIMEOUT.toSeconds() + "."), help);
        assertTrue(help.contains("Lowest relay port. Default: " + Relay.DEFAULT_MIN_PORT + "."), help);
        assertTrue(help.contains("RFC 8656 fixes it at " + Limits.DEFAULT_PERMISSION_LIFETIME.toSeconds()), help);
        assertFalse(help.contains("DEFAULT-VALUE"), help);
    }

    @Test
    void shouldPassTheTcpLimitsToTheServer() throws Exception {
        ServerConfig config = serverConfig("serve", "-r", "r", "--max-tcp-connections", "3", "--tcp-idle-timeout", "2");

        assertEquals(3, config.limits().maxTcpConnections());
        assertEquals(Duration.ofSeconds(2), config.limits().tcpIdleTimeout());
    }

    @Test
    void shouldRefuseAZeroTcpConnectionLimitInOneLine() {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "-r", "r", "--max-tcp-connections", "0");

        assertEquals(2, exit);
        assertEquals("turnkit: --max-tcp-connections: expected a number of connections, 1 or more, got '0'"
                + System.lineSeparator(), err.toString());
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void shouldRefuseTurningTheLongTermCredentialMechanismOffInOneLine() throws IOException {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "-c", file("lt-cred-mech=off").toString(), "-r", "r");

        assertEquals(2, exit);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().endsWith("turnserver.conf:1: lt-cred-mech: cannot be turned off: turnkit has no "
                + "unauthenticated relay: give --user or --use-auth-secret" + System.lineSeparator()), err.toString());
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void shouldRefuseAllowingMulticastPeersInOneLine() throws IOException {
        FakeLauncher launcher = FakeLauncher.stoppingAtOnce();

        int exit = run(launcher, "serve", "-c", file("no-multicast-peers=no").toString(), "-r", "r");

        assertEquals(2, exit);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("no-multicast-peers: cannot be turned off"), err.toString());
        assertEquals(List.of(), launcher.launched);
    }

    @Test
    void shouldExit0WhenSigtermStopsTheServer() throws Exception {
        Path output = dir.resolve("serve.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process serve = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FakeLauncher.class.getName(), "serve", "--realm", "example.org")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(output, StandardCharsets.UTF_8).contains("serving")) {
                assertTrue(serve.isAlive(), () -> "serve ended early: " + read(output));
                assertTrue(System.nanoTime() < deadline, () -> "serve never started: " + read(output));
                Thread.onSpinWait();
                serve.waitFor(20, TimeUnit.MILLISECONDS);
            }

            serve.destroy();

            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve did not stop");
            assertEquals(0, serve.exitValue(), () -> read(output));
        } finally {
            serve.destroyForcibly();
        }
    }

    private int run(FakeLauncher launcher, String... args) {
        CommandLine commandLine = launcher.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** Parses {@code args} and builds the configuration serve would start, starting nothing. */
    private ServerConfig serverConfig(String... args) throws Exception {
        CommandLine commandLine = FakeLauncher.stoppingAtOnce().commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.parseArgs(args);
        ServeCommand serve = commandLine.getSubcommands().get("serve").getCommand();
        ServerConfig config = serve.serverConfig();
        assertFalse(err.toString().contains("error"), err.toString());
        return config;
    }

    private static String debianConf() throws Exception {
        return Path.of(ServeCommandTest.class.getResource("conf/debian-turnserver.conf").toURI()).toString();
    }

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("turnserver.conf"), List.of(lines), StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
