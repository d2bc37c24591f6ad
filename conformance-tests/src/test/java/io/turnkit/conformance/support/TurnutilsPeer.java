package io.turnkit.conformance.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * coturn's {@code turnutils_peer}: a UDP echo server, the peer behind the relay for turnutils_uclient. It
 * listens on a port and the next one (RTP and RTCP). It prints nothing when ready, so readiness is an echo.
 */
public final class TurnutilsPeer implements AutoCloseable {
    public static final Path PROGRAM = Path.of("/usr/bin/turnutils_peer");
    private static final Duration READY = Duration.ofSeconds(20);

    private final int port;
    private final ExternalProcess process;

    private TurnutilsPeer(int port, ExternalProcess process) {
        this.port = port;
        this.process = process;
    }

    public static TurnutilsPeer start() {
        ExternalProcess.requireExecutable(PROGRAM, "coturn");
        int port = LoopbackPorts.freeUdpPortPair();
        ExternalProcess process = ExternalProcess.start("turnutils_peer", ExternalProcess.lineBuffered(
                List.of(PROGRAM.toString(), "-L", LoopbackPorts.LOOPBACK_IP, "-p", Integer.toString(port))));
        TurnutilsPeer peer = new TurnutilsPeer(port, process);
        try {
            peer.awaitEcho(port);
            peer.awaitEcho(port + 1);
        } catch (RuntimeException | AssertionError e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /** The RTP port; the RTCP port is the next one. */
    public int port() {
        return port;
    }

    public String describe() {
        return process.describe();
    }

    private void awaitEcho(int echoPort) {
        byte[] probe = ("probe " + echoPort).getBytes(StandardCharsets.US_ASCII);
        UdpProbe.awaitAnswer("turnutils_peer", echoPort, probe, Arrays::equals, READY, this::describe);
    }

    @Override
    public void close() {
        process.close();
    }
}
