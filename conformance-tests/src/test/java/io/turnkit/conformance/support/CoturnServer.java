package io.turnkit.conformance.support;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.turnkit.conformance.support.LoopbackPorts.PortRange;

/**
 * Debian's coturn {@code turnserver}, the reference TURN server, for tests of third-party agents' relayed
 * candidates: UDP on a free port of 127.0.0.1, relaying from its own port range of 127.0.0.1, long-term
 * credentials for one user, loopback peers allowed. Its database, pid file and log stay in a temporary
 * directory. It prints nothing reliable when its UDP listener is up, so readiness is a STUN Binding answered.
 */
public final class CoturnServer implements AutoCloseable {
    public static final Path PROGRAM = Path.of("/usr/bin/turnserver");
    public static final String REALM = "interop.turnkit.io";
    private static final Duration READY = Duration.ofSeconds(20);
    /** RFC 8489 §5: type, length, magic cookie, 96-bit transaction ID. */
    private static final int HEADER_SIZE = 20;
    private static final short BINDING_REQUEST = 0x0001;
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int TRANSACTION_ID_OFFSET = 8;

    private final int port;
    private final TemporaryDirectory directory;
    private final ExternalProcess process;

    private CoturnServer(int port, TemporaryDirectory directory, ExternalProcess process) {
        this.port = port;
        this.directory = directory;
        this.process = process;
    }

    public static CoturnServer withUser(String username, String password) {
        ExternalProcess.requireExecutable(PROGRAM, "coturn");
        int port = LoopbackPorts.freeUdpAndTcpPort();
        PortRange relay = LoopbackPorts.relayPortRange();
        TemporaryDirectory directory = TemporaryDirectory.create("coturn");
        ExternalProcess process = ExternalProcess.start("coturn", List.of(PROGRAM.toString(), "-n",
                "--listening-ip", LoopbackPorts.LOOPBACK_IP, "--listening-port", Integer.toString(port),
                "--relay-ip", LoopbackPorts.LOOPBACK_IP,
                "--min-port", Integer.toString(relay.min()), "--max-port", Integer.toString(relay.max()),
                "--lt-cred-mech", "-u", username + ":" + password, "-r", REALM,
                "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--no-tcp-relay",
                "--db", directory.path().resolve("turndb").toString(),
                "--pidfile", directory.path().resolve("turnserver.pid").toString(),
                "--log-file", "stdout", "--simple-log"));
        CoturnServer server = new CoturnServer(port, directory, process);
        try {
            server.awaitBindingResponse();
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** {@code 127.0.0.1:port}, as the harnesses' {@code --turn} takes it. */
    public String address() {
        return LoopbackPorts.LOOPBACK_IP + ":" + port;
    }

    public String describe() {
        return process.describe();
    }

    private void awaitBindingResponse() {
        UdpProbe.awaitAnswer("coturn", port, bindingRequest(), CoturnServer::sameTransaction, READY, this::describe);
    }

    /** Whether {@code response} answers {@code request}: a STUN message with the same transaction ID. */
    private static boolean sameTransaction(byte[] request, byte[] response) {
        return response.length >= HEADER_SIZE
                && Arrays.equals(request, TRANSACTION_ID_OFFSET, HEADER_SIZE, response, TRANSACTION_ID_OFFSET,
                        HEADER_SIZE);
    }

    private static byte[] bindingRequest() {
        byte[] transactionId = new byte[HEADER_SIZE - TRANSACTION_ID_OFFSET];
        ThreadLocalRandom.current().nextBytes(transactionId);
        return ByteBuffer.allocate(HEADER_SIZE).putShort(BINDING_REQUEST).putShort((short) 0).putInt(MAGIC_COOKIE)
                .put(transactionId).array();
    }

    @Override
    public void close() {
        Cleanup.closeAll(process, directory);
    }
}
