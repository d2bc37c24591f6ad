package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Readiness of a UDP server a test started, for servers that print nothing reliable when they listen: a probe
 * datagram sent to it again and again until the expected answer comes back.
 */
public final class UdpProbe {
    private static final int PROBE_TIMEOUT_MILLIS = 200;
    private static final int MAX_ANSWER = 1500;

    private UdpProbe() {
    }

    /**
     * Sends {@code probe} to {@code port} on 127.0.0.1 until an answer for which {@code expected} (given the probe
     * and the answer's bytes) holds arrives; fails with {@code context} after {@code timeout}.
     */
    public static void awaitAnswer(String server, int port, byte[] probe, BiPredicate<byte[], byte[]> expected,
            Duration timeout, Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0))) {
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            InetSocketAddress target = new InetSocketAddress(LoopbackPorts.LOOPBACK, port);
            DatagramPacket reply = new DatagramPacket(new byte[MAX_ANSWER], MAX_ANSWER);
            // Each round waits PROBE_TIMEOUT_MILLIS for the answer, so the rounds are bounded by the timeout.
            while (System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(probe, probe.length, target));
                try {
                    socket.receive(reply);
                    if (expected.test(probe, Arrays.copyOf(reply.getData(), reply.getLength()))) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // not listening yet: the datagram was refused or dropped; probe again
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe " + server + " on port " + port, e);
        }
        fail(server + " did not answer on " + LoopbackPorts.LOOPBACK_IP + ":" + port + " within " + timeout
                + context.get());
    }
}
