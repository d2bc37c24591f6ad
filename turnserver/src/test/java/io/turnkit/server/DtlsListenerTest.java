package io.turnkit.server;

import static io.turnkit.server.LoopbackServers.LOOPBACK;
import static io.turnkit.server.LoopbackServers.PASSWORD;
import static io.turnkit.server.LoopbackServers.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.UDPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.transport.tls.Openssl;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMethod;

/**
 * TURN over DTLS on real sockets (RFC 8656 §3.1): DTLS, STUN and ChannelData on one UDP port and on the TLS port,
 * stateless cookies against a flood of ClientHellos, handshakes bounded in number and time, broken records, a
 * client that starts over, a renewed certificate; and the records of an established session, which the server
 * protects itself once the handshake is over (RFC 5246 §6.2.3.3, RFC 6347 §4.1.2): each AES-GCM suite it offers,
 * replays discarded (§4.1.2.6), its last flight sent again when the client missed it (§4.2.4), close_notify ending
 * the session and its allocation.
 */
class DtlsListenerTest {
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
        ServerConfig.Builder config = LoopbackServers.config(temp).listeners(ls -> ls.noTcp(true));
        settings.accept(config);
        server = TurnServer.start(config.build());
        return server;
    }

    private TurnServer start() {
        return start(b -> { });
    }

    private static DatagramSocket socket() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(5000);
        return socket;
    }

    private static DatagramSocket connected(InetSocketAddress server) throws IOException {
        DatagramSocket socket = socket();
        socket.connect(server);
        return socket;
    }

    private static byte[] receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    private long count(ServerCounter counter) {
        return server.counters().get(counter);
    }

    /** Allocates, binds a channel to {@code peer}, and checks ChannelData goes to it and comes back. */
    private static void assertRelaysChannelData(TestTurnClient client, DatagramSocket peer, String text)
            throws IOException {
        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17));
        assertTrue(allocated.isSuccess(), allocated.toString());
        InetSocketAddress relayed = allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS);
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        Consumer<StunMessageEncoder> channel = e -> e.addChannelNumber(0x4000)
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peerAddress);
        assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel).isSuccess());

        client.send(TestTurnClient.channelData(0x4000, text));
        byte[] received = receive(peer);
        assertEquals(text, new String(received, StandardCharsets.UTF_8));
        byte[] reply = ("re:" + text).getBytes(StandardCharsets.UTF_8);
        peer.send(new DatagramPacket(reply, reply.length, relayed));
        byte[] frame = client.receiveFrame();
        assertEquals(0x4000, (frame[0] & 0xFF) << 8 | frame[1] & 0xFF);
        int length = (frame[2] & 0xFF) << 8 | frame[3] & 0xFF;
        assertEquals(4 + length, frame.length, "no padding over DTLS (RFC 8656 §12.5)");
        assertEquals("re:" + text, new String(frame, 4, length, StandardCharsets.UTF_8));
    }

    @Test
    void shouldTellDtlsStunAndChannelDataApartOnOnePort() throws Exception {
        InetSocketAddress port = start().listeningAddresses(true).get(0);
        try (TestTurnClient overDtls = TestTurnClient.dtls(port, USER, PASSWORD);
             TestTurnClient plain = TestTurnClient.udp(port, USER, PASSWORD);
             DatagramSocket peer = socket()) {
            assertRelaysChannelData(overDtls, peer, "over dtls");
            assertRelaysChannelData(plain, peer, "over plain udp");
        }
        assertEquals(1, count(ServerCounter.DTLS_HANDSHAKES));
        assertEquals(0, count(ServerCounter.UNKNOWN_PROTOCOL));
    }

    @Test
    void shouldServeDtlsOnTheTlsPort() throws Exception {
        InetSocketAddress tlsPort = start().dtlsListeningAddresses().get(0);
        try (TestTurnClient client = TestTurnClient.dtls(tlsPort, USER, PASSWORD); DatagramSocket peer = socket()) {
            assertRelaysChannelData(client, peer, "on the tls port");
        }
    }

    @Test
    void shouldKeepNoStateForClientHellosWithoutTheirCookie() throws Exception {
        InetSocketAddress port = start().listeningAddresses(true).get(0);
        int sources = 20;
        int hellosEach = 10;
        List<DatagramSocket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < sources; i++) {
                flood.add(socket());
            }
            for (int round = 0; round < hellosEach; round++) {
                for (DatagramSocket source : flood) {
                    byte[] hello = new DtlsClientHello().withoutCookie();
                    source.send(new DatagramPacket(hello, hello.length, port));
                    assertNotNull(DtlsClientHello.cookieOf(receive(source)), "a HelloVerifyRequest");
                }
            }
        } finally {
            flood.forEach(DatagramSocket::close);
        }
        assertEquals(sources * hellosEach, count(ServerCounter.DTLS_HELLO_VERIFY));
        assertEquals(0, server.dtlsHandshakesInProgress(), "handshakes under way");
        assertEquals(0, count(ServerCounter.DTLS_HANDSHAKES_REFUSED));
    }

    @Test
    void shouldBoundHandshakesInNumberAndTime() throws Exception {
        int allowed = 2;
        int clients = 5;
        InetSocketAddress port = start(b -> b.limits(lm -> lm.maxTcpConnections(10).tcpIdleTimeout(Duration.ofSeconds(1))
                .maxDtlsHandshakes(allowed).dtlsHandshakeTimeout(Duration.ofSeconds(3)))).listeningAddresses(true).get(0);
        List<DatagramSocket> stalling = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                DatagramSocket client = socket();
                stalling.add(client);
                DtlsClientHello hello = new DtlsClientHello();
                byte[] first = hello.withoutCookie();
                client.send(new DatagramPacket(first, first.length, port));
                byte[] again = hello.withCookie(DtlsClientHello.cookieOf(receive(client)));
                client.send(new DatagramPacket(again, again.length, port));
            }
            await(() -> count(ServerCounter.DTLS_HANDSHAKES_REFUSED) == clients - allowed,
                    "hellos past the limit dropped");
            assertTrue(server.dtlsHandshakesInProgress() <= allowed, "at most " + allowed + " under way");
            // The clients never answer the server's flight: their handshakes are dropped after the limit of 3 s.
            await(() -> count(ServerCounter.DTLS_HANDSHAKE_FAILED) == allowed, "stalled handshakes dropped");
            assertEquals(0, server.dtlsHandshakesInProgress());
        } finally {
            stalling.forEach(DatagramSocket::close);
        }
    }

    @Test
    void shouldDropABrokenRecordAndKeepTheSession() throws Exception {
        InetSocketAddress port = start().listeningAddresses(true).get(0);
        try (TestTurnClient client = TestTurnClient.dtls(port, USER, PASSWORD)) {
            assertTrue(client.plain(StunMethod.BINDING, e -> { }).isSuccess());
            long dropped = count(ServerCounter.DTLS_DROPPED);
            byte[] forged = new byte[64];
            // An application_data record of epoch 1 whose ciphertext is noise: it cannot authenticate.
            forged[0] = 23;
            forged[1] = (byte) 0xFE;
            forged[2] = (byte) 0xFD;
            forged[4] = 1;
            forged[10] = 100;
            forged[12] = 64 - 13;
            Arrays.fill(forged, 13, 64, (byte) 0x5A);
            client.sendRaw(forged);
            await(() -> count(ServerCounter.DTLS_DROPPED) == dropped + 1, "the broken record counted");

            TestTurnClient.Response binding = client.plain(StunMethod.BINDING, e -> { });
            assertTrue(binding.isSuccess(), "the session goes on");
            assertEquals(client.localAddress(), binding.address(StunAttributeType.XOR_MAPPED_ADDRESS));
        }
    }

    @Test
    void shouldReplaceTheSessionOfAClientThatHandshakesAgain() throws Exception {
        InetSocketAddress port = start().listeningAddresses(true).get(0);
        try (DatagramSocket socket = socket(); DatagramSocket peer = socket()) {
            socket.connect(port);
            TestTurnClient first = TestTurnClient.dtls(socket, USER, PASSWORD);
            assertTrue(first.plain(StunMethod.BINDING, e -> { }).isSuccess());
            // The same address starts over, as a client that restarted without a close_notify would.
            TestTurnClient second = TestTurnClient.dtls(socket, USER, PASSWORD);
            assertRelaysChannelData(second, peer, "after a new handshake");
        }
        assertEquals(2, count(ServerCounter.DTLS_HANDSHAKES));
    }

    @Test
    void shouldHandNewHandshakesARenewedCertificateWhileSessionsGoOn() throws Exception {
        Path cert = temp.resolve("fullchain.pem");
        Path key = temp.resolve("privkey.pem");
        Openssl.selfSigned(cert, key, "first.example.com");
        InetSocketAddress port = start(b -> b.listeners(ls -> ls.cert(cert).pkey(key))).listeningAddresses(true).get(0);
        try (TestTurnClient client = TestTurnClient.dtls(port, USER, PASSWORD); DatagramSocket peer = socket()) {
            assertEquals("CN=first.example.com", subjectSeenAt(port));

            // The renewed certificate has an RSA key: the suites offered follow the key (ECDHE_RSA now).
            Openssl.run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                    "-out", cert.toString(), "-days", "2", "-subj", "/CN=second.example.com");
            // Renewals get a new modification time; a fast test could land in the same clock tick.
            Instant later = Instant.now().plusSeconds(5);
            Files.setLastModifiedTime(cert, FileTime.from(later));
            Files.setLastModifiedTime(key, FileTime.from(later));
            String[] seen = {"CN=first.example.com"};
            await(() -> {
                seen[0] = subjectSeenAt(port);
                return seen[0].equals("CN=second.example.com");
            }, "a new handshake gets the renewed certificate");
            assertRelaysChannelData(client, peer, "a session of the old certificate goes on");
        }
    }

    /** The subject of the certificate a new DTLS handshake with {@code port} is shown. */
    private static String subjectSeenAt(InetSocketAddress port) {
        try (DatagramSocket socket = socket()) {
            socket.connect(port);
            AnyCertificateDtlsClient tls = new AnyCertificateDtlsClient();
            new DTLSClientProtocol().connect(tls, new UDPTransport(socket, 1500)).close();
            return tls.serverSubject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldRefuseDtlsWithNoDtls() throws Exception {
        TurnServer started = start(b -> b.listeners(ls -> ls.noDtls(true)));
        assertTrue(started.dtlsListeningAddresses().isEmpty(), "no DTLS on the TLS port");
        InetSocketAddress port = started.listeningAddresses(true).get(0);
        try (DatagramSocket client = socket(); TestTurnClient plain = TestTurnClient.udp(port, USER, PASSWORD)) {
            byte[] hello = new DtlsClientHello().withoutCookie();
            client.send(new DatagramPacket(hello, hello.length, port));
            await(() -> count(ServerCounter.DTLS_REFUSED) == 1, "the ClientHello refused");
            assertEquals(0, count(ServerCounter.DTLS_HELLO_VERIFY));
            assertTrue(plain.plain(StunMethod.BINDING, e -> { }).isSuccess(), "plain UDP still served");
        }
    }

    private static boolean allocates(TestTurnClient client) throws IOException {
        return client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)).isSuccess();
    }

    /** Each cipher the server offers, with the server's self-signed certificate's key, whichever that is. */
    @ParameterizedTest
    @ValueSource(strings = {"AES_128_GCM", "AES_256_GCM"})
    void shouldProtectRecordsWithEachAeadSuite(String cipher) throws Exception {
        int[] suites = suites(cipher);
        InetSocketAddress port = start().listeningAddresses(true).get(0);
        try (DatagramSocket socket = connected(port)) {
            AnyCertificateDtlsClient dtls = new AnyCertificateDtlsClient(suites);
            TestTurnClient client = TestTurnClient.dtls(socket, dtls, new RecordingUdpTransport(socket, false), USER,
                    PASSWORD);
            assertTrue(suites[0] == dtls.suite() || suites[1] == dtls.suite(), "agreed " + dtls.suite());
            TestTurnClient.Response binding = client.plain(StunMethod.BINDING, e -> { });
            assertTrue(binding.isSuccess(), binding.toString());
            assertEquals(client.localAddress(), binding.address(StunAttributeType.XOR_MAPPED_ADDRESS));
            assertTrue(allocates(client), "an authenticated request and its answer, in the session's records");
        }
        assertEquals(0, count(ServerCounter.DTLS_DROPPED));
    }

    private static int[] suites(String cipher) {
        return "AES_128_GCM".equals(cipher)
                ? new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}
                : new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384};
    }

    @Test
    void shouldDiscardAReplayedRecord() throws Exception {
        InetSocketAddress port = start().listeningAddresses(true).get(0);
        try (DatagramSocket socket = connected(port)) {
            RecordingUdpTransport transport = new RecordingUdpTransport(socket, false);
            TestTurnClient client = TestTurnClient.dtls(socket, new AnyCertificateDtlsClient(), transport, USER,
                    PASSWORD);
            assertTrue(client.plain(StunMethod.BINDING, e -> { }).isSuccess());
            List<byte[]> sent = transport.sent();
            byte[] request = sent.get(sent.size() - 1);
            long dropped = count(ServerCounter.DTLS_DROPPED);

            client.sendRaw(request);
            await(() -> count(ServerCounter.DTLS_DROPPED) == dropped + 1, "the replayed record counted and dropped");
            TestTurnClient.Response next = client.plain(StunMethod.BINDING, e -> { });
            assertTrue(next.isSuccess(), "the session goes on, and the replay was not answered: " + next);
        }
    }

    @Test
    void shouldSendItsLastFlightAgainWhenTheClientMissedIt() throws Exception {
        InetSocketAddress port = start().listeningAddresses(true).get(0);
        try (DatagramSocket socket = connected(port)) {
            RecordingUdpTransport losing = new RecordingUdpTransport(socket, true);
            TestTurnClient client = TestTurnClient.dtls(socket, new AnyCertificateDtlsClient(), losing, USER,
                    PASSWORD);
            assertEquals(1, losing.lost(), "the server's Finished was lost once");
            assertTrue(allocates(client), "the session is up with the flight sent again");
        }
        assertEquals(1, count(ServerCounter.DTLS_HANDSHAKES), "one handshake, not a second one");
    }

    @Test
    void shouldEndTheSessionAndItsAllocationOnCloseNotify() throws Exception {
        InetSocketAddress port = start(b -> b.limits(l -> l.userQuota(1))).listeningAddresses(true).get(0);
        try (TestTurnClient second = TestTurnClient.dtls(port, USER, PASSWORD)) {
            try (TestTurnClient first = TestTurnClient.dtls(port, USER, PASSWORD)) {
                assertTrue(allocates(first));
                TestTurnClient.Response refused = second.authenticated(StunMethod.ALLOCATE,
                        e -> e.addRequestedTransport(17));
                assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, refused.errorCode(), refused.toString());
            }
            // Closing the first client sent its close_notify.
            await(() -> {
                try {
                    return allocates(second);
                } catch (IOException e) {
                    return false;
                }
            }, "the first session's allocation ended with its close_notify");
        }
    }
}
