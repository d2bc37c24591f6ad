package io.turnkit.conformance.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * coturn's {@code turnutils_uclient}, the TURN client coturn is tested with: it allocates, binds channels (or
 * uses Send indications with {@code -s}), sends {@code -n} messages of {@code -l} bytes per session every 20 ms
 * and counts what comes back, through a peer ({@code -e}/{@code -r}) or from client to client ({@code -y}).
 * Each client is an RTP and an RTCP session; sessions start within 1–6 s of each other.
 */
public final class TurnutilsUclient {
    public static final Path PROGRAM = Path.of("/usr/bin/turnutils_uclient");
    /** Exit code of a run stopped by {@link #runFor} before it ended. */
    public static final int STILL_RUNNING = -1;
    /** A normal run takes under 15 s; a stalled relay fails the test instead of slowing the suite for long. */
    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    /**
     * Each run sends from a loopback address of its own, 127.0.0.2 on. uclient leaves its allocations to
     * expire, and a server keeps them for their lifetime: a later run from the same address whose kernel-chosen
     * port met one of them would get 437 for its Allocate, rightly (RFC 8656 §7.2: the 5-tuple is in use).
     */
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final String IPV6_LOOPBACK = "::1";

    private TurnutilsUclient() {
    }

    /** Runs uclient against {@code server}; fails if it has not finished within 45 s. */
    public static UclientReport run(TurnkitServer server, List<String> options) {
        return run(server, server.port(), options);
    }

    /** Runs uclient against {@code server}'s {@code port} (its TLS port, say); fails if not done within 45 s. */
    public static UclientReport run(TurnkitServer server, int port, List<String> options) {
        return run(server, port, nextSource(), LoopbackPorts.LOOPBACK_IP, options);
    }

    /** Runs uclient from ::1 against {@code server} on ::1, where it listens too; fails if not done within 45 s. */
    public static UclientReport runOverIpv6(TurnkitServer server, List<String> options) {
        return run(server, server.port(), IPV6_LOOPBACK, IPV6_LOOPBACK, options);
    }

    private static UclientReport run(TurnkitServer server, int port, String source, String target,
            List<String> options) {
        try (ExternalProcess uclient = start(port, source, target, options)) {
            int exitCode = uclient.awaitExit(TIMEOUT, server::describe);
            return UclientReport.parse(uclient.command(), exitCode, uclient.output());
        }
    }

    /**
     * Runs uclient for at most {@code limit} and reports what it printed, with exit code {@link #STILL_RUNNING}
     * if it had to be stopped: uclient retransmits forever to a server that stops answering.
     */
    public static UclientReport runFor(TurnkitServer server, List<String> options, Duration limit) {
        try (ExternalProcess uclient = start(server.port(), nextSource(), LoopbackPorts.LOOPBACK_IP, options)) {
            int exitCode = uclient.waitFor(limit) ? uclient.exitCode() : STILL_RUNNING;
            return UclientReport.parse(uclient.command(), exitCode, uclient.output());
        }
    }

    private static String nextSource() {
        return "127.0.0." + (2 + RUNS.getAndIncrement() % 253);
    }

    private static ExternalProcess start(int port, String source, String target, List<String> options) {
        ExternalProcess.requireExecutable(PROGRAM, "coturn");
        List<String> command = new ArrayList<>(List.of(PROGRAM.toString(),
                "-L", source, "-p", Integer.toString(port)));
        command.addAll(options);
        command.add(target);
        return ExternalProcess.start("turnutils_uclient", ExternalProcess.lineBuffered(command));
    }
}
