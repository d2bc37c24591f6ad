package io.turnkit.store.credential;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} for tests, started on a free loopback port with nothing saved to disk, and stopped by
 * {@link #close()}. A machine without redis-server fails the test with the package to install: CI installs it, and
 * a skipped test would hide that the Redis store went untested.
 */
public final class RedisServer implements AutoCloseable {
    private static final String PACKAGE = "redis-server";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3;
    private static final int IO_TIMEOUT_MILLIS = 2000;

    private final Process process;
    private final Path log;
    private final int port;
    private final int tlsPort;
    private final Thread killOnExit;

    private RedisServer(Process process, Path log, int port, int tlsPort) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.tlsPort = tlsPort;
        this.killOnExit = new Thread(process::destroyForcibly, "kill-redis-server-" + port);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts a server keeping its files in {@code dir}; {@code options} are added to its command line. */
    public static RedisServer start(Path dir, String... options) {
        return start(dir, false, 0, options);
    }

    /**
     * Starts a Redis Sentinel (redis-server in sentinel mode) watching the master on loopback port
     * {@code masterPort} under the name {@code master}, with {@code more} lines of configuration; a sentinel writes
     * its configuration file, kept in {@code dir}.
     */
    public static RedisServer startSentinel(Path dir, String master, int masterPort, String... more) {
        Path config = dir.resolve("sentinel-" + masterPort + ".conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, "sentinel monitor " + master + " " + LOOPBACK.getHostAddress() + " "
                    + masterPort + " 1\n" + String.join("\n", more) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        return start(dir, config, false, 0, "--sentinel");
    }

    /** Starts a server on {@code port}, where one stopped before: Redis back after an outage. */
    public static RedisServer startOn(Path dir, int port) {
        return start(dir, false, port);
    }

    /** Starts a server with a TLS port as well, serving {@code certificate}; {@link #tlsLocation()} names it. */
    public static RedisServer startWithTls(Path dir, RedisCertificate certificate) {
        return start(dir, true, 0, "--tls-cert-file", certificate.certificatePem().toString(), "--tls-key-file",
                certificate.privateKeyPem().toString(), "--tls-auth-clients", "no");
    }

    /** Starts a node of a Redis Cluster on {@code port}, keeping its cluster state in {@code dir}. */
    static RedisServer startClusterNode(Path dir, int port) {
        return start(dir, false, port, "--cluster-enabled", "yes", "--cluster-config-file",
                "nodes-" + port + ".conf");
    }

    private static RedisServer start(Path dir, boolean tls, int fixedPort, String... options) {
        return start(dir, null, tls, fixedPort, options);
    }

    private static RedisServer start(Path dir, Path config, boolean tls, int fixedPort, String... options) {
        Path executable = executable();
        AssertionError lastFailure = null;
        // A free port can be taken by someone else before redis-server binds it: then try another.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = fixedPort != 0 ? fixedPort : unusedPort();
            int tlsPort = tls ? unusedPort() : 0;
            Path log = dir.resolve("redis-" + port + ".log");
            List<String> command = new ArrayList<>(List.of(executable.toString()));
            // A configuration file comes first, before the options that add to it.
            if (config != null) {
                command.add(config.toString());
            }
            command.addAll(List.of("--port", Integer.toString(port),
                    "--bind", LOOPBACK.getHostAddress(), "--save", "", "--appendonly", "no",
                    "--dir", dir.toString(), "--logfile", ""));
            if (tls) {
                command.addAll(List.of("--tls-port", Integer.toString(tlsPort)));
            }
            command.addAll(List.of(options));
            Process process;
            try {
                Files.createDirectories(dir);
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
            RedisServer server = new RedisServer(process, log, port, tlsPort);
            try {
                server.awaitPing();
                return server;
            } catch (AssertionError e) {
                server.close();
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    /** The port of the plain (not TLS) listener. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT/0}, without password. */
    public StoreLocation location() {
        return StoreLocation.redis(URI.create("redis://" + LOOPBACK.getHostAddress() + ":" + port + "/0"), null,
                false);
    }

    /** {@code rediss://127.0.0.1:TLSPORT/0}, for a server started with TLS. */
    public StoreLocation tlsLocation() {
        if (tlsPort == 0) {
            throw new IllegalStateException("started without TLS");
        }
        return StoreLocation.redis(URI.create("rediss://" + LOOPBACK.getHostAddress() + ":" + tlsPort + "/0"), null,
                true);
    }

    /**
     * Sends one command on a fresh plain connection and returns the first line of the reply, as RESP gives it:
     * {@code +OK}, {@code $32} (a bulk string follows), {@code -ERR …}. For tests that write keys as another tool
     * would, without going through a store.
     */
    public String call(String... command) {
        return callAs(null, command);
    }

    /** As {@link #call}, on a server started with {@code --requirepass}: AUTH with {@code password} first. */
    public String callWithPassword(String password, String... command) {
        return callAs(password, command);
    }

    private String callAs(String password, String... command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), IO_TIMEOUT_MILLIS);
            socket.setSoTimeout(IO_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            if (password != null) {
                out.write(request("AUTH", password));
            }
            out.write(request(command));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            if (password != null && !"+OK".equals(in.readLine())) {
                throw new IllegalStateException("redis-server on port " + port + " refused the password");
            }
            String reply = in.readLine();
            if (reply != null && reply.startsWith("$") && !reply.equals("$-1")) {
                return in.readLine();
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server on port " + port + ": " + String.join(" ", command), e);
        }
    }

    /** A command as RESP writes it: an array of bulk strings. */
    private static byte[] request(String... command) {
        StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
        for (String argument : command) {
            request.append('$').append(argument.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                    .append(argument).append("\r\n");
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Stops the server (SIGTERM, then SIGKILL if it lingers) and waits for it to be gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException exiting) {
            // The JVM is exiting: the hook runs anyway, and finds the process gone.
        }
    }

    /** Waits until the server answers PING (any reply: a server with a password answers NOAUTH). */
    private void awaitPing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                String reply = call("PING");
                if (reply != null && (reply.startsWith("+") || reply.startsWith("-"))) {
                    return;
                }
            } catch (UncheckedIOException notYetListening) {
                // Try again until the deadline.
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("redis-server did not answer PING within " + START_TIMEOUT + ":\n" + output());
    }

    private String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Path executable() {
        String path = System.getenv("PATH");
        List<String> directories = new ArrayList<>(List.of(path == null ? new String[0] : path.split(":")));
        directories.add("/usr/bin");
        directories.add("/usr/sbin");
        for (String directory : directories) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("redis-server is not installed: the Redis credential store tests need the Debian "
                + "package '" + PACKAGE + "' (apt-get install " + PACKAGE + ")");
    }

    /** A loopback port nothing listens on (until someone binds it): where a store finds no Redis. */
    public static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
