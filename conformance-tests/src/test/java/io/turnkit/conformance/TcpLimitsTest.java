package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.TurnkitServer;

/**
 * {@code turnkit serve --max-tcp-connections} and {@code --tcp-idle-timeout} reach the server's TCP listeners: a
 * connection over the limit is closed as it comes, and a client stalled mid-message is closed after the timeout.
 */
class TcpLimitsTest {
    /** RFC 8489 §5: a STUN header is 20 bytes. */
    private static final int HEADER_BYTES = 20;
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;

    @Test
    void shouldCloseAConnectionOverMaxTcpConnections() throws IOException {
        try (TurnkitServer server = TurnkitServer.withOptions(List.of("--user", "alice:wonderland", "--no-tls",
                "--max-tcp-connections", "1"));
             Socket first = connect(server)) {
            // The first connection is answered, so the server holds it before the second comes.
            first.getOutputStream().write(bindingRequest());
            assertEquals(BINDING_SUCCESS, readMessageType(first.getInputStream()), server.describe());

            try (Socket second = connect(server)) {
                assertTrue(closedByServer(second, 5_000), "a second connection over a limit of 1 stays open");
            }
            first.getOutputStream().write(bindingRequest());
            assertEquals(BINDING_SUCCESS, readMessageType(first.getInputStream()), server.describe());
        }
    }

    @Test
    void shouldCloseAClientStalledMidMessageAfterTcpIdleTimeout() throws IOException {
        try (TurnkitServer server = TurnkitServer.withOptions(List.of("--user", "alice:wonderland", "--no-tls",
                "--tcp-idle-timeout", "1"));
             Socket stalled = connect(server)) {
            stalled.getOutputStream().write(bindingRequest(), 0, HEADER_BYTES / 2);
            long start = System.nanoTime();

            // The default timeout (10 s) would keep it open past the 5 s waited here.
            assertTrue(closedByServer(stalled, 5_000), "a client stalled mid-message for 5 s is still connected");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "closed before 1 s");
        }
    }

    private static Socket connect(TurnkitServer server) throws IOException {
        return new Socket(LoopbackPorts.LOOPBACK_IP, server.port());
    }

    private static byte[] bindingRequest() {
        ByteBuffer request = ByteBuffer.allocate(HEADER_BYTES);
        request.putShort((short) BINDING_REQUEST).putShort((short) 0).putInt(MAGIC_COOKIE);
        byte[] transactionId = new byte[12];
        ThreadLocalRandom.current().nextBytes(transactionId);
        return request.put(transactionId).array();
    }

    /** Reads one STUN message and returns its type. */
    private static int readMessageType(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER_BYTES);
        assertEquals(HEADER_BYTES, header.length, "the connection closed before a response");
        ByteBuffer fields = ByteBuffer.wrap(header);
        int type = fields.getShort(0) & 0xffff;
        int length = fields.getShort(2) & 0xffff;
        assertEquals(length, in.readNBytes(length).length, "the connection closed mid-response");
        return type;
    }

    /** Whether the server closes the connection (end of stream, or a reset) within {@code millis}. */
    private static boolean closedByServer(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }
}
