package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.policy.IpLiteral;
import io.turnkit.server.transport.tls.Openssl;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMethod;

/** TURN over TLS on real sockets: the TLS port, TLS and plain on one port, certificate renewal, PROXY headers. */
class TlsListenerTest {
    private static final InetAddress LOOPBACK = LoopbackServers.LOOPBACK;
    private static final String USER = LoopbackServers.USER;
    private static final String PASSWORD = LoopbackServers.PASSWORD;
    private static final long DEADLINE_NANOS = 20_000_000_000L;

    @TempDir
    Path temp;

    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TurnServer start(Consumer<ServerConfig.Builder> settings) {
        ServerConfig.Builder config = LoopbackServers.config(temp).listeners(ls -> ls.noUdp(true));
        settings.accept(config);
        server = TurnServer.start(config.limits(lm -> lm.maxTcpConnections(10).tcpIdleTimeout(Duration.ofSeconds(1))).build());
        return server;
    }

    private static SSLSocket tls(InetSocketAddress address) throws Exception {
        return tlsOver(new Socket(address.getAddress(), address.getPort()));
    }

    private static X509Certificate certificateOf(SSLSocket socket) throws Exception {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    private static Consumer<StunMessageEncoder> udpTransport() {
        return e -> e.addRequestedTransport(17);
    }

    /** Allocates over {@code client}, permits {@code peer}, and checks a Send reaches it and its answer comes back. */
    private static void assertRelays(TestTurnClient client, DatagramSocket peer, InetSocketAddress relayed, String text)
            throws IOException {
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        client.send(client.sendIndication(peerAddress, text.getBytes(StandardCharsets.UTF_8)));
        DatagramPacket received = new DatagramPacket(new byte[1500], 1500);
        peer.receive(received);
        assertEquals(text, new String(received.getData(), 0, received.getLength(), StandardCharsets.UTF_8));
        byte[] reply = ("re:" + text).getBytes(StandardCharsets.UTF_8);
        peer.send(new DatagramPacket(reply, reply.length, relayed));
        TestTurnClient.Response indication = new TestTurnClient.Response(client.receiveFrame());
        assertEquals(StunMethod.DATA, indication.message.method());
        assertEquals(peerAddress, indication.address(StunAttributeType.XOR_PEER_ADDRESS));
    }

    private static InetSocketAddress allocateAndPermit(TestTurnClient client, DatagramSocket peer) throws IOException {
        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, udpTransport());
        assertTrue(allocated.isSuccess(), allocated.toString());
        assertTrue(client.authenticated(StunMethod.CREATE_PERMISSION,
                e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS,
                        (InetSocketAddress) peer.getLocalSocketAddress())).isSuccess());
        return allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS);
    }

    private static DatagramSocket peer() throws IOException {
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        peer.setSoTimeout(5000);
        return peer;
    }

    @Test
    void shouldRelayOverTlsOnTheTlsPortWithASelfSignedCertificateForTheRealm() throws Exception {
        InetSocketAddress tlsPort = start(b -> { }).tlsListeningAddresses().get(0);
        try (SSLSocket socket = tls(tlsPort); TestTurnClient client = TestTurnClient.stream(socket, USER, PASSWORD);
             DatagramSocket peer = peer()) {
            assertEquals("CN=turnkit.test", certificateOf(socket).getSubjectX500Principal().getName());
            assertRelays(client, peer, allocateAndPermit(client, peer), "over tls");
        }
    }

    @Test
    void shouldTakeTlsAndPlainTcpOnTheListeningPort() throws Exception {
        InetSocketAddress port = start(b -> { }).listeningAddresses(false).get(0);
        try (SSLSocket socket = tls(port); TestTurnClient overTls = TestTurnClient.stream(socket, USER, PASSWORD);
             TestTurnClient plain = TestTurnClient.tcp(port, USER, PASSWORD); DatagramSocket peer = peer()) {
            assertRelays(overTls, peer, allocateAndPermit(overTls, peer), "turns on the plain port");
            assertRelays(plain, peer, allocateAndPermit(plain, peer), "turn on the same port");
        }
    }

    /**
     * RFC 8489 §10, §14.16: a TLS alternate named by host name is sent with that name in ALTERNATE-DOMAIN, for the
     * client to check the alternate's certificate against; a plain TCP client on the same server is served here.
     */
    @Test
    void shouldRedirectATlsAllocateWithTheAlternatesHostNameInAlternateDomain() throws Exception {
        InetSocketAddress alternate = IpLiteral.parseHostWithPort("localhost:5350", 5349);
        InetSocketAddress port = start(b -> b.relay(r -> r.addTlsAlternateServer(alternate))).listeningAddresses(false).get(0);
        try (SSLSocket socket = tls(port); TestTurnClient overTls = TestTurnClient.stream(socket, USER, PASSWORD);
             TestTurnClient plain = TestTurnClient.tcp(port, USER, PASSWORD)) {
            TestTurnClient.Response redirected = overTls.authenticated(StunMethod.ALLOCATE, udpTransport());
            assertEquals(300, redirected.errorCode());
            assertEquals(new InetSocketAddress(LOOPBACK, 5350), redirected.address(StunAttributeType.ALTERNATE_SERVER));
            assertEquals("localhost", redirected.string(StunAttributeType.ALTERNATE_DOMAIN));
            assertTrue(plain.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        }
    }

    @Test
    void shouldServeTlsOnTheListeningPortAloneWhenBothPortsAreOne() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        start(b -> b.listeners(ls -> ls.listeningPort(port).tlsListeningPort(port)));
        assertTrue(server.tlsListeningAddresses().isEmpty(), "no second listener on the same port");
        try (SSLSocket socket = tls(new InetSocketAddress(LOOPBACK, port));
             TestTurnClient client = TestTurnClient.stream(socket, USER, PASSWORD)) {
            assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        }
    }

    @Test
    void shouldKeepRelayingWhileTheCertificateIsRenewedAndHandNewConnectionsTheNewOne() throws Exception {
        Path cert = temp.resolve("fullchain.pem");
        Path key = temp.resolve("privkey.pem");
        Openssl.selfSigned(cert, key, "first.example.com");
        InetSocketAddress tlsPort = start(b -> b.listeners(ls -> ls.cert(cert).pkey(key))).tlsListeningAddresses().get(0);
        try (SSLSocket socket = tls(tlsPort); TestTurnClient client = TestTurnClient.stream(socket, USER, PASSWORD);
             DatagramSocket peer = peer()) {
            assertEquals("CN=first.example.com", certificateOf(socket).getSubjectX500Principal().getName());
            InetSocketAddress relayed = allocateAndPermit(client, peer);
            assertRelays(client, peer, relayed, "before renewal");

            Openssl.selfSigned(cert, key, "second.example.com");
            // Renewals get a new modification time; a fast test could land in the same clock tick.
            Instant later = Instant.now().plusSeconds(5);
            Files.setLastModifiedTime(cert, FileTime.from(later));
            Files.setLastModifiedTime(key, FileTime.from(later));
            String seen = "CN=first.example.com";
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (!seen.equals("CN=second.example.com") && System.nanoTime() < deadline) {
                try (SSLSocket fresh = tls(tlsPort)) {
                    seen = certificateOf(fresh).getSubjectX500Principal().getName();
                }
            }
            assertEquals("CN=second.example.com", seen, "a new connection gets the renewed certificate");
            assertRelays(client, peer, relayed, "after renewal");
            assertEquals("CN=first.example.com", certificateOf(socket).getSubjectX500Principal().getName());
        }
    }

    @Test
    void shouldNotStartWithACertificateFileItCannotRead() {
        Path missing = temp.resolve("missing.pem");
        ServerStartException e = assertThrows(ServerStartException.class,
                () -> start(b -> b.listeners(ls -> ls.cert(missing).pkey(missing))));
        assertTrue(e.getMessage().startsWith("cannot read " + missing), e.getMessage());
    }

    @Test
    void shouldRefuseTlsWithNoTls() throws Exception {
        InetSocketAddress port = start(b -> b.listeners(ls -> ls.noTls(true))).listeningAddresses(false).get(0);
        assertTrue(server.tlsListeningAddresses().isEmpty());
        assertThrows(SSLException.class, () -> tls(port).close());
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (server.counters().get(ServerCounter.TLS_REFUSED) == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, server.counters().get(ServerCounter.TLS_REFUSED));
    }

    @Test
    void shouldTakeTheClientAddressFromAProxyHeaderOverTls() throws Exception {
        InetSocketAddress tlsPort = start(b -> b.listeners(ls -> ls.proxyProtocol(true))).tlsListeningAddresses().get(0);
        Socket tcp = new Socket(tlsPort.getAddress(), tlsPort.getPort());
        tcp.getOutputStream().write("PROXY TCP4 198.51.100.7 203.0.113.1 40000 5349\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        SSLSocket socket = tlsOver(tcp);
        try (TestTurnClient client = TestTurnClient.stream(socket, USER, PASSWORD)) {
            TestTurnClient.Response binding = client.plain(StunMethod.BINDING, e -> { });
            assertEquals(new InetSocketAddress("198.51.100.7", 40000),
                    binding.address(StunAttributeType.XOR_MAPPED_ADDRESS));
        }
    }

    @Test
    void shouldCloseAConnectionWithoutProxyHeaderWhenOneIsRequired() throws Exception {
        InetSocketAddress port = start(b -> b.listeners(ls -> ls.proxyProtocol(true))).listeningAddresses(false).get(0);
        try (TestTurnClient client = TestTurnClient.tcp(port, USER, PASSWORD)) {
            assertThrows(IOException.class, () -> client.plain(StunMethod.BINDING, e -> { }));
        }
        assertEquals(1, server.counters().get(ServerCounter.PROXY_REFUSED));
    }

    @Test
    void shouldCloseATruncatedProxyHeaderWhenItStalls() throws Exception {
        InetSocketAddress port = start(b -> b.listeners(ls -> ls.proxyProtocol(true))).listeningAddresses(false).get(0);
        try (Socket socket = new Socket(port.getAddress(), port.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("PROXY TCP4 198.51.100.7 203.0".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertEquals(-1, in.read(), "closed once the connection idled");
        }
        assertEquals(1, server.counters().get(ServerCounter.PROXY_REFUSED));
    }

    /** A TLS client over {@code tcp} that accepts any certificate, as the tests look at which one it got. */
    private static SSLSocket tlsOver(Socket tcp) throws Exception {
        TrustManager acceptAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {acceptAll}, new SecureRandom());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tcp, "turnkit.test", tcp.getPort(), true);
        socket.setSoTimeout(5000);
        socket.startHandshake();
        return socket;
    }
}
