package io.turnkit.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.server.TestServices;
import io.turnkit.server.auth.TestClock;
import io.turnkit.server.config.AddressFamily;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.store.FiveTuple;
import io.turnkit.store.Quotas;
import io.turnkit.store.TransportProtocol;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * Every error response of request handling (RFC 8489 §6.3, RFC 8656 §7-§12), through a client link that
 * records what it is asked to send: no socket, no event loop. The same paths are tested over sockets in
 * TurnServerTest.
 */
class TurnProtocolTest {
    private static final String REALM = "example.org";
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";
    private static final int PORT = 49_200;
    private static final Duration NONCE_LIFETIME = Duration.ofMinutes(10);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    private static final InetSocketAddress LOOPBACK_PEER =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
    private static final InetSocketAddress IPV6_PEER = new InetSocketAddress("2001:db8::1", 40_000);
    private static final InetSocketAddress PUBLIC_PEER = new InetSocketAddress("192.0.2.10", 40_000);

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final TestServices server = new TestServices(ServerConfig.builder()
            .addListeningIp(InetAddress.getLoopbackAddress()).realm(REALM).ltCredMech(true).user(USER, PASSWORD)
            .minPort(PORT).maxPort(PORT + 1).userQuota(1).staleNonce(NONCE_LIFETIME).build(), clock);
    private final RecordingLink link = new RecordingLink();
    private final TurnProtocol protocol = new TurnProtocol(server.services(), link);
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final byte[] key = LongTermKey.md5(USER, REALM, PASSWORD);
    private String nonce;

    @AfterEach
    void close() {
        link.takeSent().forEach(ByteBuf::release);
        server.close();
    }

    @Test
    void shouldAnswerAnUnknownMethodWith400() {
        assertEquals(StunErrorCode.BAD_REQUEST, errorOf(request(0x0FF, null, e -> { })));
    }

    @Test
    void shouldAnswerAnAllocateWithoutRequestedTransportWith400() {
        assertEquals(StunErrorCode.BAD_REQUEST, errorOf(authenticated(StunMethod.ALLOCATE, e -> { })));
    }

    @Test
    void shouldChallengeARequestWithoutCredentialsWith401() {
        ByteBuf response = request(StunMethod.ALLOCATE, null,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP));
        assertEquals(StunErrorCode.UNAUTHENTICATED, errorOf(response));
    }

    @Test
    void shouldRefuseAPermissionForASpecialPurposePeerWith403() {
        allocate(USER, RecordingLink.LOCAL.getAddress());
        assertEquals(StunErrorCode.FORBIDDEN, errorOf(authenticated(StunMethod.CREATE_PERMISSION,
                e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, LOOPBACK_PEER))));
    }

    @Test
    void shouldAnswerARefreshWithoutAllocationWith437() {
        assertEquals(StunErrorCode.ALLOCATION_MISMATCH, errorOf(authenticated(StunMethod.REFRESH, e -> { })));
    }

    @Test
    void shouldAnswerASecondAllocateWith437() {
        allocate(USER, RecordingLink.LOCAL.getAddress());
        assertEquals(StunErrorCode.ALLOCATION_MISMATCH, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP))));
    }

    @Test
    void shouldAnswerAnExpiredNonceWith438() {
        authenticated(StunMethod.REFRESH, e -> { }).release();
        clock.advance(NONCE_LIFETIME.plusSeconds(1));
        assertEquals(StunErrorCode.STALE_NONCE, errorOf(request(StunMethod.REFRESH, nonce, e -> { })));
    }

    @Test
    void shouldAnswerOtherCredentialsOnAnAllocationWith441() {
        allocate("bob", RecordingLink.LOCAL.getAddress());
        assertEquals(StunErrorCode.WRONG_CREDENTIALS, errorOf(authenticated(StunMethod.REFRESH, e -> { })));
    }

    @Test
    void shouldAnswerATcpAllocationWith442() {
        assertEquals(StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(6))));
    }

    @Test
    void shouldAnswerAUdpAllocationWith442UnderNoUdpRelay() {
        try (TestServices noUdpRelay = new TestServices(ServerConfig.builder()
                .addListeningIp(InetAddress.getLoopbackAddress()).realm(REALM).ltCredMech(true).user(USER, PASSWORD)
                .minPort(PORT).maxPort(PORT + 1).noUdpRelay(true).build(), clock)) {
            TurnProtocol refusing = new TurnProtocol(noUdpRelay.services(), link);

            assertEquals(StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, errorOf(authenticated(refusing,
                    StunMethod.ALLOCATE, e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP))));
        }
    }

    @Test
    void shouldAnswerAPeerOfTheOtherFamilyWith443() {
        allocate(USER, RecordingLink.LOCAL.getAddress());
        assertEquals(StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, errorOf(authenticated(StunMethod.CHANNEL_BIND,
                e -> e.addChannelNumber(0x4000).addAddress(StunAttributeType.XOR_PEER_ADDRESS, IPV6_PEER))));
        assertEquals(StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, errorOf(authenticated(StunMethod.CREATE_PERMISSION,
                e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, IPV6_PEER))));
    }

    @Test
    void shouldAnswerAnAllocateForAFamilyWithoutRelayAddressWith440() {
        assertEquals(StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP)
                        .addAddressFamily(StunAttributeType.REQUESTED_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6))));
    }

    @Test
    void shouldApplyTheConfiguredDefaultFamilyWith440WhenItHasNoRelayAddress() {
        try (TestServices ipv6Default = new TestServices(ServerConfig.builder()
                .addListeningIp(InetAddress.getLoopbackAddress()).realm(REALM).ltCredMech(true).user(USER, PASSWORD)
                .minPort(PORT).maxPort(PORT + 1).allocationDefaultAddressFamily(AddressFamily.IPV6).build(), clock)) {
            TurnProtocol ipv6Protocol = new TurnProtocol(ipv6Default.services(), link);

            assertEquals(StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, errorOf(authenticated(ipv6Protocol,
                    StunMethod.ALLOCATE, e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP))));
        }
    }

    @Test
    void shouldAnswerAnAllocateWithAnUnknownReservationTokenWith508() {
        assertEquals(StunErrorCode.INSUFFICIENT_CAPACITY, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP).addReservationToken(42L))));
        assertEquals(Quotas.Verdict.GRANTED, server.services().relays().quotas().acquire(USER),
                "no quota taken for it");
    }

    @Test
    void shouldAnswerAnAllocateOverTheUserQuotaWith486() {
        server.services().relays().quotas().acquire(USER);
        assertEquals(StunErrorCode.ALLOCATION_QUOTA_REACHED, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP))));
    }

    @Test
    void shouldAnswerAnAllocateWithNoRelayPortLeftWith508() {
        for (int port = PORT; port <= PORT + 1; port++) {
            assertTrue(server.services().relays().ports().acquire() >= 0, "the pool has two ports");
        }
        assertEquals(StunErrorCode.INSUFFICIENT_CAPACITY, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP))));
        assertEquals(Quotas.Verdict.GRANTED, server.services().relays().quotas().acquire(USER),
                "the quota taken for the Allocate was given back");
    }

    @Test
    void shouldRedirectEachAllocateWith300ToTheNextAlternateServerOfTheClientsFamily() {
        InetSocketAddress first = new InetSocketAddress("192.0.2.1", 3478);
        InetSocketAddress second = new InetSocketAddress("192.0.2.2", 3479);
        try (TestServices redirecting = new TestServices(ServerConfig.builder()
                .addListeningIp(InetAddress.getLoopbackAddress()).realm(REALM).ltCredMech(true).user(USER, PASSWORD)
                .minPort(PORT).maxPort(PORT + 1).addAlternateServer(first)
                .addAlternateServer(new InetSocketAddress("2001:db8::1", 3478)).addAlternateServer(second).build(),
                clock)) {
            TurnProtocol redirector = new TurnProtocol(redirecting.services(), link);

            List<InetSocketAddress> alternates = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ByteBuf response = authenticated(redirector, StunMethod.ALLOCATE,
                        e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP));
                StunMessage message = parse(response);
                // RFC 8489 §10: the 300 is signed as any response to an authenticated request.
                assertTrue(MessageIntegrity.check(message, key), "300 with MESSAGE-INTEGRITY of the user's key");
                alternates.add(new AddressAttribute().wrap(message,
                        message.findAttribute(StunAttributeType.ALTERNATE_SERVER)).toSocketAddress());
                assertEquals(StunErrorCode.TRY_ALTERNATE, errorOf(response));
            }

            assertEquals(List.of(first, second, first), alternates, "IPv4 alternates in turn, the IPv6 one skipped");
            assertEquals(null, link.allocation(CLIENT), "no allocation made");
            assertEquals(3, redirecting.services().counters().get(ServerCounter.ALLOCATIONS_REDIRECTED));
        }
    }

    @Test
    void shouldAnswerAChangeRequestWith420WithoutAnAlternateAddress() {
        ByteBuf response = request(StunMethod.BINDING, null, e -> e.addUint32(StunAttributeType.CHANGE_REQUEST,
                StunAttributes.CHANGE_PORT));
        StunMessage message = parse(response);
        int unknown = message.findAttribute(StunAttributeType.UNKNOWN_ATTRIBUTES);

        assertEquals(StunAttributeType.CHANGE_REQUEST, StunAttributes.uint16(message, unknown, 0));
        assertEquals(StunErrorCode.UNKNOWN_ATTRIBUTE, errorOf(response));
    }

    @Test
    void shouldAnswerAChangeRequestWithoutFlagsAsAPlainBinding() {
        ByteBuf response = request(StunMethod.BINDING, null, e -> e.addUint32(StunAttributeType.CHANGE_REQUEST, 0));
        StunMessage message = parse(response);

        assertEquals(StunClass.SUCCESS_RESPONSE, StunMessageType.stunClass(message.messageType()));
        assertEquals(CLIENT, new AddressAttribute().wrap(message,
                message.findAttribute(StunAttributeType.XOR_MAPPED_ADDRESS)).toSocketAddress());
        assertTrue(message.findAttribute(StunAttributeType.OTHER_ADDRESS) < 0, "no OTHER-ADDRESS without RFC 5780");
        response.release();
    }

    @Test
    void shouldRelayChannelDataOnlyOnABoundChannel() {
        RelayAllocation allocation = allocate(USER, RecordingLink.LOCAL.getAddress());
        ByteBuf frame = Unpooled.buffer().writeShort(0x4000).writeShort(4).writeInt(42);
        protocol.onFrame(frame, CLIENT);
        assertEquals(0, link.relayed, "no channel bound");
        allocation.bindChannel(0x4000, PUBLIC_PEER, System.nanoTime());
        protocol.onFrame(frame.readerIndex(0), CLIENT);
        assertEquals(1, link.relayed);
        frame.release();
    }

    /** An allocation of {@code username} relayed at {@code relayIp}, made as an Allocate would, without a socket. */
    private RelayAllocation allocate(String username, InetAddress relayIp) {
        long hour = TimeUnit.HOURS.toNanos(1);
        RelayAllocation allocation = new RelayAllocation(FiveTuple.of(TransportProtocol.UDP, CLIENT,
                RecordingLink.LOCAL), username, REALM, new InetSocketAddress(relayIp, PORT), PORT, link, hour,
                System.nanoTime(), hour, hour, 0);
        link.add(allocation);
        return allocation;
    }

    /** A request with long-term credentials, after the 401 that gives the nonce when there is none yet. */
    private ByteBuf authenticated(int method, Consumer<StunMessageEncoder> attributes) {
        return authenticated(protocol, method, attributes);
    }

    /** The same, handled by {@code handler}. */
    private ByteBuf authenticated(TurnProtocol handler, int method, Consumer<StunMessageEncoder> attributes) {
        if (nonce == null) {
            ByteBuf challenge = request(handler, method, null, attributes);
            StunMessage message = parse(challenge);
            nonce = StunAttributes.string(message, message.findAttribute(StunAttributeType.NONCE));
            challenge.release();
        }
        return request(handler, method, nonce, attributes);
    }

    /** Hands the request to the protocol and returns its one response; signed when {@code withNonce} is given. */
    private ByteBuf request(int method, String withNonce, Consumer<StunMessageEncoder> attributes) {
        return request(protocol, method, withNonce, attributes);
    }

    private ByteBuf request(TurnProtocol handler, int method, String withNonce,
            Consumer<StunMessageEncoder> attributes) {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        ThreadLocalRandom.current().nextBytes(transactionId);
        ByteBuf request = Unpooled.buffer();
        encoder.wrap(request).header(StunMessageType.of(method, StunClass.REQUEST), transactionId);
        attributes.accept(encoder);
        if (withNonce != null) {
            encoder.addString(StunAttributeType.USERNAME, USER).addString(StunAttributeType.REALM, REALM)
                    .addString(StunAttributeType.NONCE, withNonce).addMessageIntegrity(key);
        }
        encoder.finish();
        handler.onFrame(request, CLIENT);
        request.release();
        List<ByteBuf> sent = link.takeSent();
        assertEquals(1, sent.size(), "one response");
        return sent.get(0);
    }

    private static StunMessage parse(ByteBuf response) {
        StunMessage message = new StunMessage();
        assertEquals(StunValidation.VALID, message.wrap(response, 0, response.readableBytes()).validate());
        return message;
    }

    /** The ERROR-CODE of an error response, which this releases. */
    private static int errorOf(ByteBuf response) {
        try {
            StunMessage message = parse(response);
            assertEquals(StunClass.ERROR_RESPONSE, StunMessageType.stunClass(message.messageType()),
                    "an error response");
            return StunAttributes.errorCode(message, message.findAttribute(StunAttributeType.ERROR_CODE));
        } finally {
            response.release();
        }
    }
}
