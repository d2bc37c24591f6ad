package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
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
    static final Path PROGRAM = Path.of("/usr/bin/turnutils_peer");
    private static final Duration READY = Duration.ofSeconds(20);
    private static final int PROBE_TIMEOUT_MILLIS = 200;

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

    String describe() {
        return process.describe();
    }

    private void awaitEcho(int echoPort) {
        byte[] probe = ("probe " + echoPort).getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + READY.toNanos();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0))) {
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            InetSocketAddress target = new InetSocketAddress(LoopbackPorts.LOOPBACK, echoPort);
            DatagramPacket reply = new DatagramPacket(new byte[probe.length + 16], probe.length + 16);
            // Each round waits PROBE_TIMEOUT_MILLIS for the echo, so the rounds are bounded by READY.
            while (System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(probe, probe.length, target));
                try {
                    socket.receive(reply);
                    if (Arrays.equals(probe, 0, probe.length, reply.getData(), 0, reply.getLength())) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // not listening yet: the datagram was refused or dropped; probe again
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe turnutils_peer on port " + echoPort, e);
        }
        fail("turnutils_peer did not echo on " + LoopbackPorts.LOOPBACK_IP + ":" + echoPort + " within " + READY
                + describe());
    }

    @Override
    public void close() {
        process.close();
    }
}
