package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.server.auth.TestClock;
import io.turnkit.server.config.AddressFamily;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.transport.ChannelDataHeadroomTest;
import io.turnkit.server.transport.Transports;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * The server's answers over UDP and TCP, success and every error path of RFC 8656 and RFC 8489: one suite,
 * run on each transport by a subclass (turnkit's own UDP sockets, Netty's epoll and NIO channels).
 */
abstract class TurnServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetAddress IPV6_LOOPBACK = new InetSocketAddress("::1", 0).getAddress();
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";
    /** Frames sent back to back: enough that the server reads several in one batch. */
    private static final int BURST = 100;

    @TempDir
    Path temp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private TurnServer server;
    /** The server's time of nonces and REST API usernames. */
    private final TestClock clock = new TestClock(Instant.now());

    /** The transport under test. */
    abstract Transports transports();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress start(Consumer<ServerConfig.Builder> settings) {
        ServerConfig.Builder builder = RelayPorts.loopbackServer(temp, USER, PASSWORD);
        settings.accept(builder);
        server = TurnServer.start(builder.build(), transports(), clock);
        return server.listeningAddresses(true).isEmpty() ? server.listeningAddresses(false).get(0)
                : server.listeningAddresses(true).get(0);
    }

    private TestTurnClient udpClient(InetSocketAddress address, String password) throws IOException {
        TestTurnClient client = TestTurnClient.udp(address, USER, password);
        open.add(client);
        return client;
    }

    private TestTurnClient tcpClient(InetSocketAddress address) throws IOException {
        TestTurnClient client = TestTurnClient.tcp(address, USER, PASSWORD);
        open.add(client);
        return client;
    }

    private static Consumer<StunMessageEncoder> udpTransport() {
        return e -> e.addRequestedTransport(17);
    }

    private static Consumer<StunMessageEncoder> peer(InetSocketAddress peer) {
        return e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer);
    }

    @Test
    void shouldAnswerBindingWithTheClientsAddress() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        TestTurnClient.Response response = client.plain(StunMethod.BINDING, e -> { });
        assertTrue(response.isSuccess(), response.toString());
        assertEquals(client.localAddress(), response.address(StunAttributeType.XOR_MAPPED_ADDRESS));
        assertFalse(response.has(StunAttributeType.SOFTWARE), "no SOFTWARE unless configured");
    }

    @Test
    void shouldAnswerAChangeRequestFromTheListenerItNamesOnUdpOnly() throws IOException {
        InetAddress alternate = new InetSocketAddress("127.0.0.2", 0).getAddress();
        int port = startWithAlternate(alternate);
        InetSocketAddress primary = new InetSocketAddress(LOOPBACK, port);
        InetSocketAddress other = new InetSocketAddress(alternate, port + 1);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout(5_000);
            // RFC 5780 §7.2: change IP (4) and change port (2), each alone and both.
            for (int flags : new int[] {0, StunAttributes.CHANGE_PORT, StunAttributes.CHANGE_IP,
                    StunAttributes.CHANGE_IP | StunAttributes.CHANGE_PORT}) {
                InetSocketAddress expected = new InetSocketAddress((flags & StunAttributes.CHANGE_IP) != 0 ? alternate
                        : LOOPBACK, (flags & StunAttributes.CHANGE_PORT) != 0 ? port + 1 : port);
                byte[] request = bindingRequest(e -> e.addUint32(StunAttributeType.CHANGE_REQUEST, flags));
                socket.send(new DatagramPacket(request, request.length, primary));
                DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
                socket.receive(packet);
                StunMessage response = new StunMessage();
                assertEquals(StunValidation.VALID, response.wrap(Unpooled.wrappedBuffer(packet.getData(), 0,
                        packet.getLength()), 0, packet.getLength()).validate());
                assertEquals(expected, packet.getSocketAddress(), "the answer's source for flags " + flags);
                assertEquals(expected, new AddressAttribute().wrap(response,
                        response.findAttribute(StunAttributeType.RESPONSE_ORIGIN)).toSocketAddress());
                assertEquals(other, new AddressAttribute().wrap(response,
                        response.findAttribute(StunAttributeType.OTHER_ADDRESS)).toSocketAddress());
            }
        }
        // Over TCP the answer cannot come from elsewhere: 420, as from a server without RFC 5780.
        TestTurnClient.Response overTcp = tcpClient(primary).plain(StunMethod.BINDING,
                e -> e.addUint32(StunAttributeType.CHANGE_REQUEST, StunAttributes.CHANGE_IP));
        assertEquals(420, overTcp.errorCode(), overTcp.toString());
    }

    /** Starts a server on 127.0.0.1 and {@code alternate}, on a free port and the next as RFC 5780's; its port. */
    private int startWithAlternate(InetAddress alternate) {
        for (int attempt = 1;; attempt++) {
            int port = RelayPorts.randomBase() + RelayPorts.SIZE / 2;
            try {
                start(b -> b.listeners(ls -> ls.addListeningIp(alternate).listeningPort(port).altListeningPort(port + 1)));
                return port;
            } catch (ServerStartException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static byte[] bindingRequest(Consumer<StunMessageEncoder> attributes) {
        ByteBuf out = Unpooled.buffer();
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(out).header(
                StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST), TestTurnClient.randomTransactionId());
        attributes.accept(encoder);
        encoder.finish();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    @Test
    void shouldAnswerUnknownComprehensionRequiredAttributeWith420() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        TestTurnClient.Response response = client.plain(StunMethod.BINDING,
                e -> e.addBytes(0x7F01, new byte[] {1, 2, 3, 4}));
        assertEquals(420, response.errorCode());
        assertTrue(response.has(StunAttributeType.UNKNOWN_ATTRIBUTES));
    }

    @Test
    void shouldChallengeAnAllocateWithoutCredentials() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        TestTurnClient.Response response = client.plain(StunMethod.ALLOCATE, udpTransport());
        assertEquals(401, response.errorCode());
        assertEquals("turnkit.test", response.string(StunAttributeType.REALM));
        assertNotNull(response.string(StunAttributeType.NONCE));
        assertTrue(response.has(StunAttributeType.PASSWORD_ALGORITHMS));
    }

    @Test
    void shouldAllocateARelayedAddressInTheConfiguredRange() throws IOException {
        int base = RelayPorts.randomBase();
        TestTurnClient client = udpClient(start(b -> b.relay(rl -> rl.minPort(base).maxPort(base + 9))), PASSWORD);
        TestTurnClient.Response response = client.authenticated(StunMethod.ALLOCATE, udpTransport());
        assertTrue(response.isSuccess(), response.toString());
        InetSocketAddress relayed = response.address(StunAttributeType.XOR_RELAYED_ADDRESS);
        assertEquals(LOOPBACK, relayed.getAddress());
        assertTrue(relayed.getPort() >= base && relayed.getPort() <= base + 9, relayed.toString());
        assertEquals(600, response.uint32(StunAttributeType.LIFETIME));
        assertEquals(client.localAddress(), response.address(StunAttributeType.XOR_MAPPED_ADDRESS));
        assertTrue(response.has(StunAttributeType.MESSAGE_INTEGRITY), "responses to authenticated requests carry integrity");
    }

    @Test
    void shouldRefuseAWrongPasswordWith401() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), "not the password");
        assertEquals(401, client.authenticated(StunMethod.ALLOCATE, udpTransport()).errorCode());
        assertEquals(0, server.counters().get(ServerCounter.ALLOCATIONS_CREATED));
    }

    @Test
    void shouldAnswerAForgedNonceWith438AndAFreshNonce() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        TestTurnClient.Response challenge = client.plain(StunMethod.ALLOCATE, udpTransport());
        String nonce = challenge.string(StunAttributeType.NONCE);
        String forged = nonce.substring(0, nonce.length() - 1) + (nonce.endsWith("A") ? "B" : "A");
        TestTurnClient.Response response = client.withNonce(forged, "turnkit.test", StunMethod.ALLOCATE, udpTransport());
        assertEquals(438, response.errorCode());
        assertNotNull(response.string(StunAttributeType.NONCE));
    }

    @Test
    void shouldSignA438ToARequestWhoseIntegrityVerified() throws IOException {
        Duration nonceLifetime = Duration.ofMinutes(10);
        TestTurnClient client = udpClient(start(b -> b.auth(au -> au.staleNonce(nonceLifetime))), PASSWORD);
        assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        String nonce = client.nonce();
        assertTrue(client.withNonce(nonce, client.realm(), StunMethod.REFRESH, e -> { }).isSuccess(), "still fresh");
        clock.advance(nonceLifetime.plusSeconds(1));
        TestTurnClient.Response response = client.withNonce(nonce, client.realm(), StunMethod.REFRESH, e -> { });
        assertEquals(438, response.errorCode(), "the nonce went stale");
        assertTrue(response.has(StunAttributeType.MESSAGE_INTEGRITY), "RFC 8489 §9.2.4: signed with the user's key");
        assertNotNull(response.string(StunAttributeType.NONCE));
    }

    @Test
    void shouldRefuseASecondAllocateFromTheSameFiveTupleWith437() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        assertEquals(437, client.authenticated(StunMethod.ALLOCATE, udpTransport()).errorCode());
    }

    @Test
    void shouldAnswerARetransmittedAllocateWithTheSameResponse() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        client.learnFrom(client.plain(StunMethod.ALLOCATE, udpTransport()));
        byte[][] responses = client.sentTwice(StunMethod.ALLOCATE, udpTransport());
        assertArrayEquals(responses[0], responses[1]);
        assertEquals(1, server.counters().get(ServerCounter.ALLOCATIONS_CREATED));
    }

    @Test
    void shouldReserveTheNextPortForAnEvenPortWithTheReserveBit() throws IOException {
        InetSocketAddress address = start(b -> { });
        TestTurnClient first = udpClient(address, PASSWORD);
        TestTurnClient.Response even = first.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(17).addEvenPort(true).addEmpty(StunAttributeType.DONT_FRAGMENT));
        assertTrue(even.isSuccess(), even.toString());
        int port = even.address(StunAttributeType.XOR_RELAYED_ADDRESS).getPort();
        assertEquals(0, port % 2, "RFC 8656 §7.2: EVEN-PORT gives an even port");
        long token = reservationToken(even);

        TestTurnClient second = udpClient(address, PASSWORD);
        TestTurnClient.Response reserved = second.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(17).addReservationToken(token));
        assertTrue(reserved.isSuccess(), reserved.toString());
        assertEquals(port + 1, reserved.address(StunAttributeType.XOR_RELAYED_ADDRESS).getPort());

        TestTurnClient third = udpClient(address, PASSWORD);
        assertEquals(508, third.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(17).addReservationToken(token)).errorCode(), "a token is used once");
        assertEquals(400, third.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(17).addReservationToken(token).addEvenPort(false)).errorCode(),
                "RESERVATION-TOKEN with EVEN-PORT is a bad request");
    }

    @Test
    void shouldGiveAClientOverIpv6AnIpv4RelayByDefault() throws IOException {
        TestTurnClient client = udpClient(startDualStack(b -> { }), PASSWORD);

        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, udpTransport());

        assertTrue(allocated.isSuccess(), allocated.toString());
        assertEquals(LOOPBACK, allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS).getAddress(),
                "RFC 8656 §7.1: IPv4 unless the client asks for another family");
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep-address-family", "allocation-default-address-family=keep"})
    void shouldKeepTheFamilyOfAClientOverIpv6WhenConfigured(String option) throws IOException {
        TestTurnClient client = udpClient(startDualStack(option.startsWith("keep")
                ? b -> b.relay(rl -> rl.keepAddressFamily(true)) : b -> b.relay(rl -> rl.allocationDefaultAddressFamily(AddressFamily.KEEP))),
                PASSWORD);

        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, udpTransport());

        assertTrue(allocated.isSuccess(), allocated.toString());
        assertEquals(IPV6_LOOPBACK, allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS).getAddress());
    }

    @Test
    void shouldGiveAnIpv4ClientAnIpv6RelayWhenItAsksForOne() throws IOException {
        start(b -> b.listeners(ls -> ls.addListeningIp(IPV6_LOOPBACK)));
        InetSocketAddress overIpv4 = server.listeningAddresses(true).stream()
                .filter(a -> a.getAddress().equals(LOOPBACK)).findFirst().orElseThrow();
        TestTurnClient client = udpClient(overIpv4, PASSWORD);

        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)
                .addAddressFamily(StunAttributeType.REQUESTED_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6));

        assertTrue(allocated.isSuccess(), allocated.toString());
        assertEquals(IPV6_LOOPBACK, allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS).getAddress());
    }

    @Test
    void shouldRefuseAFamilyWithoutARelayAddressWith440() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);

        assertEquals(440, client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)
                .addAddressFamily(StunAttributeType.REQUESTED_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6))
                .errorCode(), "an IPv4-only server has no IPv6 relay address");
    }

    @Test
    void shouldTakeTheFamilyOfAReservationTokenFromTheReservedRelay() throws IOException {
        InetSocketAddress overIpv6 = startDualStack(b -> { });
        TestTurnClient first = udpClient(overIpv6, PASSWORD);
        TestTurnClient.Response even = first.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)
                .addEvenPort(true)
                .addAddressFamily(StunAttributeType.REQUESTED_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6));
        assertTrue(even.isSuccess(), even.toString());
        InetSocketAddress relayed = even.address(StunAttributeType.XOR_RELAYED_ADDRESS);
        long token = reservationToken(even);

        // RFC 8656 §7.2: RESERVATION-TOKEN comes without REQUESTED-ADDRESS-FAMILY; the default (IPv4) must not
        // be applied before the token is looked up.
        TestTurnClient second = udpClient(overIpv6, PASSWORD);
        TestTurnClient.Response reserved = second.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(17).addReservationToken(token));

        assertTrue(reserved.isSuccess(), reserved.toString());
        assertEquals(new InetSocketAddress(IPV6_LOOPBACK, relayed.getPort() + 1),
                reserved.address(StunAttributeType.XOR_RELAYED_ADDRESS));
    }

    private static long reservationToken(TestTurnClient.Response allocated) {
        return StunAttributes.reservationToken(allocated.message,
                allocated.message.findAttribute(StunAttributeType.RESERVATION_TOKEN));
    }

    /** A server on 127.0.0.1 and ::1, with no relay IP: it relays from both; returns its IPv6 UDP address. */
    private InetSocketAddress startDualStack(Consumer<ServerConfig.Builder> settings) {
        start(settings.andThen(b -> b.listeners(ls -> ls.addListeningIp(IPV6_LOOPBACK))));
        return server.listeningAddresses(true).stream().filter(a -> a.getAddress().equals(IPV6_LOOPBACK))
                .findFirst().orElseThrow();
    }

    @Test
    void shouldRelayADualAllocationToAnIpv4PeerAndAnIpv6PeerBothWays() throws IOException {
        startDualStack(b -> b.peers(pe -> pe.allowLoopbackPeers(true)));
        InetSocketAddress overIpv4 = server.listeningAddresses(true).stream()
                .filter(a -> a.getAddress().equals(LOOPBACK)).findFirst().orElseThrow();
        TestTurnClient client = udpClient(overIpv4, PASSWORD);
        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)
                .addAddressFamily(StunAttributeType.ADDITIONAL_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6));
        assertTrue(allocated.isSuccess(), allocated.toString());
        List<InetSocketAddress> relayed = allocated.addresses(StunAttributeType.XOR_RELAYED_ADDRESS);
        assertEquals(List.of(LOOPBACK, IPV6_LOOPBACK), relayed.stream().map(InetSocketAddress::getAddress).toList());

        try (DatagramSocket ipv4Peer = peerSocket(); DatagramSocket ipv6Peer = peerSocket(IPV6_LOOPBACK)) {
            List<DatagramSocket> peers = List.of(ipv4Peer, ipv6Peer);
            for (int i = 0; i < peers.size(); i++) {
                InetSocketAddress peerAddress = (InetSocketAddress) peers.get(i).getLocalSocketAddress();
                assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4000 + i, peerAddress)).isSuccess());
            }
            for (int i = 0; i < peers.size(); i++) {
                client.send(TestTurnClient.channelData(0x4000 + i, "to peer " + i));
                DatagramPacket received = receive(peers.get(i));
                assertEquals("to peer " + i, new String(received.getData(), 0, received.getLength()));
                assertEquals(relayed.get(i), received.getSocketAddress(), "from the relayed address of its family");

                byte[] reply = ("from peer " + i).getBytes();
                peers.get(i).send(new DatagramPacket(reply, reply.length, relayed.get(i)));
                byte[] frame = client.receiveFrame();
                assertEquals(0x4000 + i, (frame[0] & 0xFF) << 8 | frame[1] & 0xFF);
                assertEquals("from peer " + i, new String(frame, 4, (frame[2] & 0xFF) << 8 | frame[3] & 0xFF));
            }
        }
        assertTrue(client.authenticated(StunMethod.REFRESH, e -> e.addAddressFamily(
                StunAttributeType.REQUESTED_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6)).isSuccess(),
                "RFC 8656 §8.2: either family of a dual allocation refreshes it");
    }

    /**
     * Relay ports other sockets hold are skipped, as many as there are: each allocation gets a free one, and 508
     * comes only once no port of the range is left.
     */
    @Test
    void shouldSkipTheRelayPortsOtherSocketsHoldAndAnswer508OnlyWhenNoneIsLeft() throws IOException {
        int base = RelayPorts.randomBase();
        int size = 40;
        int free = 4;
        InetSocketAddress address = start(b -> b.relay(rl -> rl.minPort(base).maxPort(base + size - 1)));
        int held = 0;
        for (int port = base; port < base + size - free; port++) {
            try {
                open.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, port)));
            } catch (BindException heldAlready) {
                // Another process has it: held all the same.
            }
            held++;
        }

        for (int i = 0; i < free; i++) {
            TestTurnClient.Response allocated = udpClient(address, PASSWORD).authenticated(StunMethod.ALLOCATE,
                    udpTransport());
            assertTrue(allocated.isSuccess(), "allocation " + i + ": " + allocated);
            assertTrue(allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS).getPort() >= base + size - free,
                    "a port no other socket holds");
        }
        assertEquals(508, udpClient(address, PASSWORD).authenticated(StunMethod.ALLOCATE, udpTransport()).errorCode());
        long collisions = server.counters().get(ServerCounter.RELAY_PORT_COLLISIONS);
        assertTrue(collisions >= held, "the last Allocate tried every port held: " + collisions + " collisions");
    }

    @Test
    void shouldRefuseATransportOtherThanUdpOrTcpWith442() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        // RFC 6062 §5.1: 442 for anything but UDP and TCP (132 is SCTP).
        assertEquals(442, client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(132)).errorCode());
    }

    @Test
    void shouldRefuseAnotherUsersRequestOnAnAllocationWith441() throws IOException {
        TestTurnClient client = udpClient(start(b -> b.auth(au -> au.user("bob", "builder"))), PASSWORD);
        assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        // RFC 8656 §5: requests on an allocation must use the credentials that made it; bob's are valid, not his.
        TestTurnClient.Response refused = client.asUser("bob", "builder").authenticated(StunMethod.REFRESH, e -> { });
        assertEquals(441, refused.errorCode(), refused.toString());
        assertTrue(client.authenticated(StunMethod.REFRESH, e -> { }).isSuccess(), "the allocation is still alice's");
    }

    @Test
    void shouldRefuseAnAllocateWithoutRequestedTransportWith400() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        assertEquals(400, client.authenticated(StunMethod.ALLOCATE, e -> { }).errorCode());
    }

    @Test
    void shouldRefuseRefreshWithoutAllocationWith437() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        assertEquals(437, client.authenticated(StunMethod.REFRESH, e -> { }).errorCode());
    }

    @Test
    void shouldRefuseALoopbackPeerByDefaultWith403() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, udpTransport());
        assertTrue(allocated.isSuccess(), allocated.toString());
        InetSocketAddress loopbackPeer = new InetSocketAddress(LOOPBACK, 9);
        assertEquals(403, client.authenticated(StunMethod.CREATE_PERMISSION, peer(loopbackPeer)).errorCode());
        InetSocketAddress metadata = new InetSocketAddress("169.254.169.254", 80);
        assertEquals(403, client.authenticated(StunMethod.CREATE_PERMISSION, peer(metadata)).errorCode());
        InetSocketAddress nat64Metadata = new InetSocketAddress("64:ff9b::a9fe:a9fe", 80);
        assertEquals(443, client.authenticated(StunMethod.CREATE_PERMISSION, peer(nat64Metadata)).errorCode(),
                "an IPv6 peer of an IPv4 relay is a family mismatch (RFC 8656 §10.2)");
        InetSocketAddress privatePeer = new InetSocketAddress("10.1.2.3", 5000);
        assertEquals(403, client.authenticated(StunMethod.CHANNEL_BIND,
                e -> e.addChannelNumber(0x4000).addAddress(StunAttributeType.XOR_PEER_ADDRESS, privatePeer))
                .errorCode());
        assertEquals(3, server.counters().get(ServerCounter.PEER_DENIED));
    }

    @Test
    void shouldEnforceTheUserQuotaWith486() throws IOException {
        InetSocketAddress address = start(b -> b.limits(lm -> lm.userQuota(1)));
        assertTrue(udpClient(address, PASSWORD).authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        assertEquals(486, udpClient(address, PASSWORD).authenticated(StunMethod.ALLOCATE, udpTransport()).errorCode());
    }

    @Test
    void shouldAnswer508WhenNoRelayPortIsLeft() throws IOException {
        int port = freeUdpPort();
        InetSocketAddress address = start(b -> b.relay(rl -> rl.minPort(port).maxPort(port)));
        assertTrue(udpClient(address, PASSWORD).authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        assertEquals(508, udpClient(address, PASSWORD).authenticated(StunMethod.ALLOCATE, udpTransport()).errorCode());
    }

    @Test
    void shouldRefuseChannelBindConflictsWith400() throws IOException {
        TestTurnClient client = udpClient(start(b -> b.peers(pe -> pe.allowLoopbackPeers(true))), PASSWORD);
        assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        InetSocketAddress first = new InetSocketAddress(LOOPBACK, 40_001);
        InetSocketAddress second = new InetSocketAddress(LOOPBACK, 40_002);
        assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4001, first)).isSuccess());
        assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4001, first)).isSuccess(), "rebinding refreshes");
        assertEquals(400, client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4001, second)).errorCode());
        assertEquals(400, client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4002, first)).errorCode());
        assertEquals(400, client.authenticated(StunMethod.CHANNEL_BIND, channel(0x3FFF, second)).errorCode());
        assertEquals(400, client.authenticated(StunMethod.CHANNEL_BIND, channel(0x8000, second)).errorCode());
        assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x7FFF, second)).isSuccess(),
                "RFC 5766 clients bind up to 0x7FFF");
    }

    private static Consumer<StunMessageEncoder> channel(int number, InetSocketAddress peer) {
        return e -> e.addChannelNumber(number).addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer);
    }

    @Test
    void shouldRelayChannelDataBothWays() throws IOException {
        TestTurnClient client = udpClient(start(b -> b.peers(pe -> pe.allowLoopbackPeers(true))), PASSWORD);
        TestTurnClient.Response allocated = client.authenticated(StunMethod.ALLOCATE, udpTransport());
        InetSocketAddress relayed = allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS);
        try (DatagramSocket peerSocket = peerSocket()) {
            InetSocketAddress peerAddress = (InetSocketAddress) peerSocket.getLocalSocketAddress();
            assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4000, peerAddress)).isSuccess());

            client.send(TestTurnClient.channelData(0x4000, "to the peer"));
            DatagramPacket received = receive(peerSocket);
            assertEquals("to the peer", new String(received.getData(), 0, received.getLength()));
            assertEquals(relayed, received.getSocketAddress());

            byte[] reply = "to the client".getBytes();
            peerSocket.send(new DatagramPacket(reply, reply.length, relayed));
            byte[] frame = client.receiveFrame();
            assertEquals(0x4000, (frame[0] & 0xFF) << 8 | frame[1] & 0xFF);
            assertEquals("to the client", new String(frame, 4, (frame[2] & 0xFF) << 8 | frame[3] & 0xFF));
        }
        assertEquals(headersInPlace(1), server.counters().get(ServerCounter.HEADERS_IN_PLACE));
    }

    /** How many of {@code frames} ChannelData frames to clients get their header in place (ChannelDataHeadroom). */
    private long headersInPlace(long frames) {
        // recvmmsg hands datagrams up as slices, whose place in their buffer only a memory address tells.
        return !transports().isEpoll() || ChannelDataHeadroomTest.slicesHaveMemoryAddresses() ? frames : 0;
    }

    /**
     * Back-to-back frames of one size to one destination leave in GSO sends (DatagramBurst); the kernel cuts
     * them into the same datagrams, in order, a shorter one included. Each burst is sent while the event loops
     * are held, so the server reads it in batches whatever the timing.
     */
    @Test
    void shouldRelayBurstsBothWaysDatagramForDatagramInOrder() throws IOException, InterruptedException {
        TestTurnClient client = udpClient(start(b -> b.peers(pe -> pe.allowLoopbackPeers(true))), PASSWORD);
        InetSocketAddress relayed = client.authenticated(StunMethod.ALLOCATE, udpTransport())
                .address(StunAttributeType.XOR_RELAYED_ADDRESS);
        try (DatagramSocket peerSocket = peerSocket()) {
            peerSocket.setReceiveBufferSize(1 << 20);
            InetSocketAddress peerAddress = (InetSocketAddress) peerSocket.getLocalSocketAddress();
            assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4000, peerAddress)).isSuccess());
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                // Every tenth is shorter: it ends a run as its last segment.
                burst.add(String.format(i % 10 == 9 ? "%03d short" : "%03d %0150d", i, 0));
            }
            HeldEventLoops heldForBurst = new HeldEventLoops(server.eventLoops());
            try {
                for (String text : burst) {
                    client.send(TestTurnClient.channelData(0x4000, text));
                }
            } finally {
                heldForBurst.release();
            }
            for (String text : burst) {
                DatagramPacket received = receive(peerSocket);
                assertEquals(text, new String(received.getData(), 0, received.getLength()));
            }
            HeldEventLoops heldForReplies = new HeldEventLoops(server.eventLoops());
            try {
                for (String text : burst) {
                    byte[] reply = text.getBytes();
                    peerSocket.send(new DatagramPacket(reply, reply.length, relayed));
                }
            } finally {
                heldForReplies.release();
            }
            for (String text : burst) {
                byte[] frame = client.receiveFrame();
                assertEquals(text, new String(frame, 4, (frame[2] & 0xFF) << 8 | frame[3] & 0xFF));
            }
        }
        if (transports().udpSegmentation()) {
            assertTrue(server.counters().get(ServerCounter.GSO_BURSTS_TO_PEER) > 0, "the client's burst left in GSO sends");
            assertTrue(server.counters().get(ServerCounter.GSO_BURSTS_TO_CLIENT) > 0, "the peer's burst left in GSO sends");
        }
        assertEquals(headersInPlace(BURST), server.counters().get(ServerCounter.HEADERS_IN_PLACE));
    }

    /**
     * Clients relaying to each other through one server, as two WebRTC endpoints relayed by it do: one more
     * client than event loops, so at least two share a loop and hand their datagrams over in memory
     * (LoopRelays); the others go through the kernel. Either way each gets every datagram of a burst, in order,
     * on the channel it bound to the sender's relayed address, over UDP and over TCP (padded, RFC 8656 §12.5).
     */
    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"udp", "tcp"})
    void shouldRelayBetweenAllocationsOfOneServer(String transport) throws IOException {
        InetSocketAddress address = start(b -> b.peers(pe -> pe.allowLoopbackPeers(true)));
        int clients = Runtime.getRuntime().availableProcessors() + 1;
        int messages = 20;
        List<TestTurnClient> all = new ArrayList<>();
        List<InetSocketAddress> relayed = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            TestTurnClient client = transport.equals("udp") ? udpClient(address, PASSWORD) : tcpClient(address);
            all.add(client);
            relayed.add(client.authenticated(StunMethod.ALLOCATE, udpTransport())
                    .address(StunAttributeType.XOR_RELAYED_ADDRESS));
        }
        for (int i = 0; i < clients; i++) {
            for (int j = 0; j < clients; j++) {
                assertTrue(all.get(i).authenticated(StunMethod.CHANNEL_BIND, channel(0x4000 + j, relayed.get(j)))
                        .isSuccess());
            }
        }
        for (int n = 0; n < messages; n++) {
            for (int i = 0; i < clients; i++) {
                for (int j = 0; j < clients; j++) {
                    all.get(i).send(TestTurnClient.channelData(0x4000 + j, hairpinMessage(n, i, j)));
                }
            }
        }
        for (int j = 0; j < clients; j++) {
            int[] next = new int[clients];
            for (int k = 0; k < clients * messages; k++) {
                byte[] frame = all.get(j).receiveFrame();
                int from = ((frame[0] & 0xFF) << 8 | frame[1] & 0xFF) - 0x4000;
                String got = new String(frame, 4, (frame[2] & 0xFF) << 8 | frame[3] & 0xFF);
                assertTrue(from >= 0 && from < clients, "channel of " + got);
                int n = next[from]++;
                assertEquals(hairpinMessage(n, from, j), got, "message " + n + " from " + from + " to " + j);
            }
        }
        assertTrue(server.counters().get(ServerCounter.HAIRPINNED) > 0, "allocations of one loop skipped the kernel");
        assertEquals((long) clients * clients * messages, server.counters().get(ServerCounter.CHANNEL_DATA_TO_CLIENT));
    }

    /** Message {@code n} from client {@code from} to {@code to}: of one size but every fifth, so runs form for GSO. */
    private static String hairpinMessage(int n, int from, int to) {
        return String.format(n % 5 == 4 ? "%d from %d to %d" : "%d from %d to %d %0100d", n, from, to, 0);
    }

    @Test
    void shouldAnswerABurstOfBindingRequestsEveryOne() throws IOException {
        TestTurnClient client = udpClient(start(b -> { }), PASSWORD);
        Set<String> transactions = new HashSet<>();
        for (int i = 0; i < BURST; i++) {
            byte[] transactionId = TestTurnClient.randomTransactionId();
            transactions.add(Arrays.toString(transactionId));
            ByteBuf request = Unpooled.buffer();
            new StunMessageEncoder().wrap(request).header(StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST),
                    transactionId).finish();
            client.send(ByteBufUtil.getBytes(request));
        }
        for (int i = 0; i < BURST; i++) {
            TestTurnClient.Response response = new TestTurnClient.Response(client.receiveFrame());
            assertTrue(response.isSuccess(), response.toString());
            assertEquals(client.localAddress(), response.address(StunAttributeType.XOR_MAPPED_ADDRESS));
            byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
            response.message.copyTransactionId(transactionId);
            assertTrue(transactions.remove(Arrays.toString(transactionId)), "one answer per request");
        }
        if (transports().udpSegmentation()) {
            assertTrue(server.counters().get(ServerCounter.GSO_BURSTS_TO_CLIENT) > 0, "answers left in GSO sends");
        }
    }

    @Test
    void shouldRelaySendAndDataIndicationsOnlyWithAPermission() throws IOException {
        TestTurnClient client = udpClient(start(b -> b.peers(pe -> pe.allowLoopbackPeers(true))), PASSWORD);
        InetSocketAddress relayed = client.authenticated(StunMethod.ALLOCATE, udpTransport())
                .address(StunAttributeType.XOR_RELAYED_ADDRESS);
        try (DatagramSocket peerSocket = peerSocket()) {
            InetSocketAddress peerAddress = (InetSocketAddress) peerSocket.getLocalSocketAddress();
            client.send(client.sendIndication(peerAddress, "before".getBytes()));
            assertTrue(client.authenticated(StunMethod.CREATE_PERMISSION, peer(peerAddress)).isSuccess());
            client.send(client.sendIndication(peerAddress, "after".getBytes()));
            DatagramPacket received = receive(peerSocket);
            assertEquals("after", new String(received.getData(), 0, received.getLength()),
                    "the Send before the permission was dropped");
            assertEquals(1, server.counters().get(ServerCounter.NO_PERMISSION));

            byte[] reply = "data".getBytes();
            peerSocket.send(new DatagramPacket(reply, reply.length, relayed));
            TestTurnClient.Response indication = new TestTurnClient.Response(client.receiveFrame());
            assertEquals(StunMethod.DATA, indication.message.method());
            assertEquals(peerAddress, indication.address(StunAttributeType.XOR_PEER_ADDRESS));
        }
    }

    @Test
    void shouldDropWhatExceedsMaxBps() throws IOException {
        TestTurnClient client = udpClient(start(b -> b.peers(pe -> pe.allowLoopbackPeers(true)).relay(rl -> rl.maxBps(100))), PASSWORD);
        assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        try (DatagramSocket peerSocket = peerSocket()) {
            InetSocketAddress peerAddress = (InetSocketAddress) peerSocket.getLocalSocketAddress();
            assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4000, peerAddress)).isSuccess());
            String eighty = "x".repeat(80);
            for (int i = 0; i < 3; i++) {
                client.send(TestTurnClient.channelData(0x4000, eighty));
            }
            assertEquals(eighty, new String(receive(peerSocket).getData(), 0, 80));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (server.counters().get(ServerCounter.OVER_BANDWIDTH) < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(2, server.counters().get(ServerCounter.OVER_BANDWIDTH));
            assertEquals(1, server.counters().get(ServerCounter.CHANNEL_DATA_TO_PEER));
            assertEquals(80, server.counters().get(ServerCounter.CHANNEL_DATA_BYTES_TO_PEER));
        }
    }

    @Test
    void shouldDeleteTheAllocationOnRefreshWithLifetimeZero() throws IOException {
        int port = freeUdpPort();
        InetSocketAddress address = start(b -> b.relay(rl -> rl.minPort(port).maxPort(port)));
        TestTurnClient client = udpClient(address, PASSWORD);
        assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        TestTurnClient.Response deleted = client.authenticated(StunMethod.REFRESH,
                e -> e.addUint32(StunAttributeType.LIFETIME, 0));
        assertTrue(deleted.isSuccess());
        assertEquals(0, deleted.uint32(StunAttributeType.LIFETIME));
        // The only port is free again: another client can allocate it (the close completes asynchronously).
        TestTurnClient other = udpClient(address, PASSWORD);
        long deadline = System.nanoTime() + 2_000_000_000L;
        TestTurnClient.Response allocated = other.authenticated(StunMethod.ALLOCATE, udpTransport());
        while (!allocated.isSuccess() && System.nanoTime() < deadline) {
            allocated = other.authenticated(StunMethod.ALLOCATE, udpTransport());
        }
        assertTrue(allocated.isSuccess(), allocated.toString());
        assertEquals(port, allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS).getPort());
    }

    @Test
    void shouldRefuseAUdpPortAnotherSocketHolds() throws IOException {
        try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = holder.getLocalPort();

            ServerStartException refused = assertThrows(ServerStartException.class,
                    () -> start(b -> b.listeners(ls -> ls.listeningPort(port).noTcp(true))));

            assertEquals("cannot listen on udp 127.0.0.1:" + port + ": address in use", refused.getMessage());
        }
    }

    @Test
    void shouldRefuseTheUdpPortOfAnotherServer() {
        // Both servers bind with SO_REUSEPORT where the transport has it: the kernel alone would let both in.
        int port = start(b -> b.listeners(ls -> ls.noTcp(true))).getPort();
        TurnServer first = server;
        try {
            ServerStartException refused = assertThrows(ServerStartException.class,
                    () -> start(b -> b.listeners(ls -> ls.listeningPort(port).noTcp(true))));

            assertEquals("cannot listen on udp 127.0.0.1:" + port + ": address in use", refused.getMessage());
        } finally {
            server = first;
        }
    }

    @Test
    void shouldRefuseATcpPortInUseWithTheSameLine() throws IOException {
        try (ServerSocket holder = new ServerSocket(0, 1, LOOPBACK)) {
            int port = holder.getLocalPort();

            ServerStartException refused = assertThrows(ServerStartException.class,
                    () -> start(b -> b.listeners(ls -> ls.listeningPort(port).noUdp(true))));

            assertEquals("cannot listen on tcp 127.0.0.1:" + port + ": address in use", refused.getMessage());
        }
    }

    @Test
    void shouldAllocateAndRelayOverTcp() throws IOException {
        InetSocketAddress address = start(b -> b.peers(pe -> pe.allowLoopbackPeers(true)).listeners(ls -> ls.noUdp(true)));
        TestTurnClient client = tcpClient(address);
        InetSocketAddress relayed = client.authenticated(StunMethod.ALLOCATE, udpTransport())
                .address(StunAttributeType.XOR_RELAYED_ADDRESS);
        try (DatagramSocket peerSocket = peerSocket()) {
            InetSocketAddress peerAddress = (InetSocketAddress) peerSocket.getLocalSocketAddress();
            assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, channel(0x4123, peerAddress)).isSuccess());
            client.send(TestTurnClient.channelData(0x4123, "odd"));
            DatagramPacket received = receive(peerSocket);
            assertEquals("odd", new String(received.getData(), 0, received.getLength()));
            byte[] reply = "three".getBytes();
            peerSocket.send(new DatagramPacket(reply, reply.length, relayed));
            byte[] frame = client.receiveFrame();
            assertEquals(12, frame.length, "4-byte header and 5 bytes padded to 8 (RFC 8656 §12.5)");
            assertEquals("three", new String(frame, 4, 5));
            assertEquals("000000", HexFormat.of().formatHex(frame, 9, 12));
        }
        assertEquals(0, server.counters().get(ServerCounter.HEADERS_IN_PLACE), "a stream link gets copies");
    }

    @Test
    void shouldDropGarbageAndKeepServing() throws IOException {
        InetSocketAddress address = start(b -> b.peers(pe -> pe.allowLoopbackPeers(true)));
        TestTurnClient client = udpClient(address, PASSWORD);
        assertTrue(client.authenticated(StunMethod.ALLOCATE, udpTransport()).isSuccess());
        byte[][] garbage = {
            {}, {0}, {0, 1, 0, 0}, new byte[20], {0x40, 0x00, 0x7F, (byte) 0xFF, 1},
            {(byte) 0x80, 1, 2, 3}, {0x16, 3, 1, 0, 5}, Arrays.copyOf(new byte[] {0, 1, 0, 4, 0x21, 0x12}, 24),
        };
        for (byte[] datagram : garbage) {
            client.send(datagram);
        }
        assertTrue(client.plain(StunMethod.BINDING, e -> { }).isSuccess());
        assertTrue(server.counters().get(ServerCounter.MALFORMED_STUN)
                + server.counters().get(ServerCounter.MALFORMED_CHANNEL_DATA)
                + server.counters().get(ServerCounter.UNKNOWN_PROTOCOL)
                // First byte 22: DTLS's range on a UDP port (RFC 7983 §7), and no ClientHello.
                + server.counters().get(ServerCounter.DTLS_DROPPED) >= garbage.length - 1);
        assertTrue(client.authenticated(StunMethod.REFRESH, e -> { }).isSuccess(), "the allocation survived");
        assertTrue(server.validationCount(StunValidation.BAD_MAGIC_COOKIE) >= 1, "the cookie-less header was told apart");
    }

    private static DatagramSocket peerSocket() throws IOException {
        return peerSocket(LOOPBACK);
    }

    private static DatagramSocket peerSocket(InetAddress ip) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(ip, 0));
        socket.setSoTimeout(2000);
        return socket;
    }

    private static DatagramPacket receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return packet;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return socket.getLocalPort();
        }
    }
}
