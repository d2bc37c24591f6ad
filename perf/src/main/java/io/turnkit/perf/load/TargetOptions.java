package io.turnkit.perf.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options every mode shares: which server, with what credentials, measured how long and how. */
final class TargetOptions {
    /** A hard cap on any run's measurement, whatever the command line asks. */
    static final int MAX_DURATION_SECONDS = 120;
    static final int MAX_WARMUP_SECONDS = 30;
    static final int MAX_THREADS = 64;

    @Option(names = "--server", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:3478",
            description = "The TURN server, on a loopback address (default: ${DEFAULT-VALUE}); [::1]:PORT for IPv6.")
    String server;

    @Option(names = {"-u", "--user"}, paramLabel = "NAME", description = "Long-term credential user name.")
    String user;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", description = "Long-term credential password.")
    String password;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "The server's process id: its CPU seconds (and, for idle, its RSS) are read from /proc.")
    Long serverPid;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to measure (idle: to hold the allocations), 1 to " + MAX_DURATION_SECONDS
                    + " (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2",
            description = "Load before measuring, 0 to " + MAX_WARMUP_SECONDS + " (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Event-loop threads of the generator (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the figures as key=value lines.")
    Path report;

    private InetSocketAddress serverAddress;
    private ServerProcess serverProcess;

    /** Checks the options; the server must be on loopback, the process (if given) must exist. */
    void validate(CommandSpec spec) {
        check(spec, durationSeconds >= 1 && durationSeconds <= MAX_DURATION_SECONDS,
                "--duration is 1 to " + MAX_DURATION_SECONDS + " seconds");
        check(spec, warmupSeconds >= 0 && warmupSeconds <= MAX_WARMUP_SECONDS,
                "--warmup is 0 to " + MAX_WARMUP_SECONDS + " seconds");
        check(spec, threads >= 1 && threads <= MAX_THREADS, "--threads is 1 to " + MAX_THREADS);
        check(spec, (user == null) == (password == null), "-u and -p go together");
        serverAddress = parseServer(spec, server);
        if (serverPid != null) {
            try {
                serverProcess = ServerProcess.of(serverPid);
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "--server-pid: " + e.getMessage());
            }
        }
    }

    static void check(CommandSpec spec, boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private static InetSocketAddress parseServer(CommandSpec spec, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        check(spec, colon > 0, "--server is HOST:PORT, not " + hostPort);
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            // The generator floods what it is pointed at: only a server on this machine may be its target.
            check(spec, address.isLoopbackAddress(), "--server must be a loopback address, not " + host);
            check(spec, port > 0 && port < 65536, "--server port is 1 to 65535");
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--server: cannot read " + hostPort);
        }
    }

    InetSocketAddress serverAddress() {
        return serverAddress;
    }

    /** The server's process, or null when no --server-pid was given. */
    ServerProcess serverProcess() {
        return serverProcess;
    }

    Credentials credentials() {
        return new Credentials(user, password);
    }

    MeasurementWindow measurementWindow() {
        return MeasurementWindow.startingIn(warmupSeconds, durationSeconds);
    }

    /** "10 s after a 2 s warm-up, 1 thread (epoll), server 127.0.0.1:3478". */
    String describe(LoadRig rig) {
        return durationSeconds + " s after a " + warmupSeconds + " s warm-up, " + threads + " thread"
                + (threads == 1 ? "" : "s") + " (" + rig.transport() + "), server " + server;
    }
}
