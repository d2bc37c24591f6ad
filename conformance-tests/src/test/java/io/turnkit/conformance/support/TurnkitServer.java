package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.turnkit.conformance.support.LoopbackPorts.PortRange;

/**
 * turnkit's TURN server as its users run it: {@code java -jar turnkit.jar serve} with coturn's option names,
 * listening on UDP and TCP on a free port of 127.0.0.1 and on TLS on another, relaying from its own port range of 127.0.0.1, and
 * allowing loopback peers (which a production server refuses). It is ready once it prints
 * {@value #READY}, which it does when all its listeners are bound.
 */
public final class TurnkitServer implements AutoCloseable {
    public static final String REALM = "conformance.turnkit.io";
    private static final String READY = "turnkit serving";
    /** A JVM start on a busy two-core machine; generous, since a slow start is not what is tested here. */
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final int port;
    private final int tlsPort;
    private final PortRange relayPorts;
    private final TemporaryDirectory directory;
    private final ExternalProcess process;

    private TurnkitServer(int port, int tlsPort, PortRange relayPorts, TemporaryDirectory directory,
            ExternalProcess process) {
        this.port = port;
        this.tlsPort = tlsPort;
        this.relayPorts = relayPorts;
        this.directory = directory;
        this.process = process;
    }

    /** A server with long-term credentials (RFC 8489 §9.2) for one user. */
    public static TurnkitServer withLongTermCredentials(String username, String password) {
        return onJava(testsJava(), username, password);
    }

    /** The same, run by the {@code java} program given rather than the tests' own. */
    public static TurnkitServer onJava(Path java, String username, String password) {
        return start(java, List.of("--lt-cred-mech", "--user", username + ":" + password));
    }

    /** A server with TURN REST API credentials: passwords are HMACs of the username under a shared secret. */
    public static TurnkitServer withAuthSecret(String secret) {
        return start(testsJava(), List.of("--use-auth-secret", "--static-auth-secret", secret));
    }

    /**
     * A server whose users or REST API secrets are in {@code userdb}, as {@code turnkit user} and {@code turnkit
     * secret} edit it; {@code authentication} is {@code --lt-cred-mech} or {@code --use-auth-secret}.
     */
    public static TurnkitServer withUserDatabase(Path userdb, String authentication) {
        // Named after the harness's own --userdb, this one wins: the last value of an option is kept.
        return start(testsJava(), List.of(authentication, "--userdb", userdb.toString()));
    }

    /** A server with more of serve's options ({@code --verbose}, {@code --no-tcp}…) and its own credentials. */
    public static TurnkitServer withOptions(List<String> options) {
        return start(testsJava(), options);
    }

    /**
     * As {@link #withOptions(List)}, with SIGHUP at its default disposition: a process inherits an ignored SIGHUP from
     * a test run started under nohup, and the JVM then keeps it ignored whatever handler the program installs.
     */
    public static TurnkitServer withDefaultSighup(List<String> options) {
        return start(List.of("/usr/bin/env", "--default-signal=HUP"), testsJava(), options);
    }

    /**
     * A server with {@code options} that does RFC 5780 NAT behavior discovery: {@link LoopbackPorts#ALTERNATE_IP}
     * is its alternate address, and its port plus one its alternate port.
     */
    public static TurnkitServer withAlternateAddress(List<String> options) {
        List<String> all = new ArrayList<>(List.of("--listening-ip", LoopbackPorts.ALTERNATE_IP, "--rfc5780"));
        all.addAll(options);
        return start(List.of(), testsJava(), LoopbackPorts.freeRfc5780Port(), all);
    }

    private static Path testsJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static TurnkitServer start(Path java, List<String> authentication) {
        return start(List.of(), java, authentication);
    }

    private static TurnkitServer start(List<String> launcher, Path java, List<String> authentication) {
        return start(launcher, java, LoopbackPorts.freeUdpAndTcpPort(), authentication);
    }

    private static TurnkitServer start(List<String> launcher, Path java, int port, List<String> authentication) {
        Path jar = turnkitJar();
        int tlsPort = LoopbackPorts.freeUdpAndTcpPort();
        PortRange relay = LoopbackPorts.relayPortRange();
        TemporaryDirectory directory = TemporaryDirectory.create("turnkit-conformance-");
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(
                java.toString(), "-jar", jar.toString(), "serve",
                "--listening-ip", LoopbackPorts.LOOPBACK_IP, "--listening-port", Integer.toString(port),
                // TLS and DTLS with the certificate the server makes for itself.
                "--tls-listening-port", Integer.toString(tlsPort),
                "--relay-ip", LoopbackPorts.LOOPBACK_IP,
                "--min-port", Integer.toString(relay.min()), "--max-port", Integer.toString(relay.max()),
                "--realm", REALM, "--allow-loopback-peers",
                // Keeps the user database out of $HOME.
                "--userdb", directory.path().resolve("userdb").toString()));
        command.addAll(authentication);
        ExternalProcess process = ExternalProcess.start("turnkit", command);
        TurnkitServer server = new TurnkitServer(port, tlsPort, relay, directory, process);
        try {
            process.awaitLineContaining(READY, STARTUP);
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    public static Path turnkitJar() {
        String property = System.getProperty("turnkit.jar");
        if (property == null) {
            fail("system property turnkit.jar is not set: run these tests through Maven "
                    + "(mvn -pl conformance-tests -am verify), whose surefire configuration sets it");
        }
        Path jar = Path.of(property);
        if (!Files.isRegularFile(jar)) {
            fail("no turnkit jar at " + jar + ": build it first (mvn -pl cli -am package)");
        }
        return jar;
    }

    /** The UDP and TCP port the server listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The TLS and DTLS port (turns:) on 127.0.0.1; the UDP and TCP port takes TLS and DTLS too. */
    public int tlsPort() {
        return tlsPort;
    }

    /** The ports of 127.0.0.1 the server relays from ({@code --min-port} to {@code --max-port}). */
    public PortRange relayPorts() {
        return relayPorts;
    }

    /** The server's process id, for signals. */
    public long pid() {
        return process.pid();
    }

    /**
     * Sends the server {@code kill -SIGNAL} ({@code USR1}, {@code HUP}, {@code KILL}…) as an operator would, and
     * fails the test if {@code kill} does not succeed.
     */
    public void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid());
    }

    /** Waits until the server has printed a line holding {@code marker}; fails the test after {@code timeout}. */
    public void awaitLineContaining(String marker, Duration timeout) {
        process.awaitLineContaining(marker, timeout);
    }

    /** Waits for the first line {@code wanted} takes and returns it; fails the test after {@code timeout}. */
    public String awaitLine(Predicate<String> wanted, String what, Duration timeout) {
        return process.awaitLine(wanted, what, timeout);
    }

    /** Waits for the server to exit by itself and returns its exit code; fails the test after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        return process.awaitExit(timeout, () -> "");
    }

    /** Everything the server printed so far. */
    public String output() {
        return process.output();
    }

    /** The server's command and its last lines of output, for failure messages. */
    public String describe() {
        return process.describe();
    }

    @Override
    public void close() {
        try {
            process.close();
        } finally {
            directory.close();
        }
    }
}
