package io.turnkit.ice.turn;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's coturn {@code turnserver}, started on free loopback ports with one long-term credential user and loopback
 * peers allowed, its output kept in a log file that a failure quotes. Optionally with a TLS listener.
 */
final class Coturn implements AutoCloseable {
    static final String USER = "alice";
    static final String PASSWORD = "wonderland";
    static final String REALM = "turnkit.test";
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Relay ports: a block per test JVM, below the kernel's ephemeral range so that no client socket takes them. */
    private static final int RELAY_FIRST = 12_000;
    private static final int RELAY_BLOCK = 100;
    private static final int RELAY_BLOCKS = 80;
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final int CONNECT_TIMEOUT_MILLIS = 200;
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final Process process;
    private final Path log;
    private final InetSocketAddress address;
    private final InetSocketAddress tlsAddress;

    private Coturn(Process process, Path log, InetSocketAddress address, InetSocketAddress tlsAddress) {
        this.process = process;
        this.log = log;
        this.address = address;
        this.tlsAddress = tlsAddress;
    }

    /** Starts coturn with UDP and TCP on one port; with {@code certificate} and {@code key} (PEM), TLS on another. */
    static Coturn start(Path dir, Path certificate, Path key) throws IOException {
        int port = freePort();
        int tlsPort = certificate == null ? 0 : freePort();
        int relayMin = RELAY_FIRST + (int) (ProcessHandle.current().pid() % RELAY_BLOCKS) * RELAY_BLOCK;
        List<String> command = new ArrayList<>(List.of("turnserver", "-n",
                "--listening-ip=" + LOOPBACK.getHostAddress(), "--listening-port=" + port,
                "--relay-ip=" + LOOPBACK.getHostAddress(),
                "--min-port=" + relayMin, "--max-port=" + (relayMin + RELAY_BLOCK - 1),
                "--lt-cred-mech", "--user=" + USER + ":" + PASSWORD, "--realm=" + REALM,
                "--allow-loopback-peers", "--no-dtls", "--no-cli", "--no-rfc5780",
                "--userdb=" + dir.resolve("turndb"), "--pidfile=" + dir.resolve("turnserver.pid"),
                "--log-file=stdout", "--simple-log"));
        if (certificate == null) {
            command.add("--no-tls");
        } else {
            command.addAll(List.of("--tls-listening-port=" + tlsPort, "--cert=" + certificate, "--pkey=" + key));
        }
        Path log = dir.resolve("coturn.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Coturn coturn = new Coturn(process, log, new InetSocketAddress(LOOPBACK, port),
                certificate == null ? null : new InetSocketAddress(LOOPBACK, tlsPort));
        try {
            coturn.awaitListening(port);
            if (certificate != null) {
                coturn.awaitListening(tlsPort);
            }
        } catch (IOException | RuntimeException | Error e) {
            coturn.close();
            throw e;
        }
        return coturn;
    }

    /** UDP and TCP. */
    InetSocketAddress address() {
        return address;
    }

    InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    /** coturn listens on TCP and UDP together once it is up: a TCP connection tells. */
    private void awaitListening(int port) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("coturn exited with " + process.exitValue() + ": " + logTail());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MILLIS);
                return;
            } catch (IOException e) {
                // Not listening yet: wait a little for the other thing that can happen, coturn exiting.
                waitForExit(CONNECT_TIMEOUT_MILLIS);
            }
        }
        throw new IllegalStateException("coturn did not listen on " + port + " in 20 s: " + logTail());
    }

    String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** A port free for UDP and TCP a moment ago (RFC 8656 §4: a TURN listener takes both). */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                    ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(LOOPBACK, udp.getLocalPort()));
                return udp.getLocalPort();
            } catch (IOException e) {
                // Taken for TCP: another one.
            }
        }
        throw new IOException("no port free for both UDP and TCP on loopback");
    }

    private boolean waitForExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public void close() {
        process.destroy();
        if (!waitForExit(STOP_TIMEOUT_MILLIS)) {
            process.destroyForcibly();
            waitForExit(STOP_TIMEOUT_MILLIS);
        }
    }
}
