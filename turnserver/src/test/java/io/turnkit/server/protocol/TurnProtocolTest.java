package io.turnkit.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.turnkit.server.AddressAttributes;
import io.turnkit.server.RelayPorts;
import io.turnkit.server.TestServices;
import io.turnkit.server.auth.TestClock;
import io.turnkit.server.config.AddressFamily;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.policy.AddressRange;
import io.turnkit.server.relay.AllocationEnd;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.relay.RelayResources;
import io.turnkit.server.transport.Transports;
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
    private static final InetAddress IPV6_LOOPBACK = new InetSocketAddress("::1", 0).getAddress();
    private static final Duration NONCE_LIFETIME = Duration.ofMinutes(10);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    private static final InetSocketAddress LOOPBACK_PEER =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
    private static final InetSocketAddress IPV6_PEER = new InetSocketAddress("2001:db8::1", 40_000);
    private static final InetSocketAddress PUBLIC_PEER = new InetSocketAddress("192.0.2.10", 40_000);
    private static final Duration ANSWER = Duration.ofSeconds(10);
    /** The event loop the link's relay sockets are bound on. */
    private static final EventLoopGroup LOOPS = Transports.best().newEventLoopGroup(1);

    /** Two relay ports: one of them is enough for most tests, both for a dual allocation. */
    private final int port = RelayPorts.randomBase();
    /** A server of a test's own settings, or null. */
    private TestServices dual;

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final TestServices server = new TestServices(ServerConfig.builder()
            .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())).auth(au -> au.realm(REALM)).auth(au -> au.user(USER, PASSWORD))
            .relay(rl -> rl.minPort(port).maxPort(port + 1)).limits(lm -> lm.userQuota(1)).auth(au -> au.staleNonce(NONCE_LIFETIME)).build(), clock);
    private final RecordingLink link = new RecordingLink(LOOPS.next());
    private final TurnProtocol protocol = new TurnProtocol(server.services(), link);
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final byte[] key = LongTermKey.md5(USER, REALM, PASSWORD);
    private String nonce;

    @AfterAll
    static void stopLoops() {
        LOOPS.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void close() {
        onLoop(() -> {
            RelayAllocation allocation = link.allocation(CLIENT);
            if (allocation != null && allocation.relay() != null) {
                (dual != null ? dual : server).services().relays().release(allocation, AllocationEnd.DELETED);
            }
        });
        link.takeSent().forEach(ByteBuf::release);
        server.close();
        if (dual != null) {
            dual.close();
        }
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
        allocate(protocol, e -> { });
        assertEquals(StunErrorCode.FORBIDDEN, errorOf(authenticated(StunMethod.CREATE_PERMISSION,
                e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, LOOPBACK_PEER))));
    }

    @Test
    void shouldAnswerARefreshWithoutAllocationWith437() {
        assertEquals(StunErrorCode.ALLOCATION_MISMATCH, errorOf(authenticated(StunMethod.REFRESH, e -> { })));
    }

    @Test
    void shouldAnswerASecondAllocateWith437() {
        allocate(protocol, e -> { });
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
        allocateWithoutRelay("bob");
        assertEquals(StunErrorCode.WRONG_CREDENTIALS, errorOf(authenticated(StunMethod.REFRESH, e -> { })));
    }

    @Test
    void shouldAnswerATcpAllocationOverUdpWith400() {
        // RFC 6062 §5.1: a TCP relay is for a client over TCP or TLS.
        assertEquals(StunErrorCode.BAD_REQUEST, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_TCP))));
    }

    @Test
    void shouldAnswerAnUnknownTransportWith442() {
        assertEquals(StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, errorOf(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(132))));
    }

    @Test
    void shouldAnswerAUdpAllocationWith442UnderNoUdpRelay() {
        try (TestServices noUdpRelay = new TestServices(ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())).auth(au -> au.realm(REALM)).auth(au -> au.user(USER, PASSWORD))
                .relay(rl -> rl.minPort(port).maxPort(port + 1).noUdpRelay(true)).build(), clock)) {
            TurnProtocol refusing = new TurnProtocol(noUdpRelay.services(), link);

            assertEquals(StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, errorOf(authenticated(refusing,
                    StunMethod.ALLOCATE, e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP))));
        }
    }

    @Test
    void shouldAnswerAPeerOfTheOtherFamilyWith443() {
        allocate(protocol, e -> { });
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
                .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())).auth(au -> au.realm(REALM)).auth(au -> au.user(USER, PASSWORD))
                .relay(rl -> rl.minPort(port).maxPort(port + 1).allocationDefaultAddressFamily(AddressFamily.IPV6)).build(), clock)) {
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
        for (int i = 0; i < 2; i++) {
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
                .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())).auth(au -> au.realm(REALM)).auth(au -> au.user(USER, PASSWORD))
                .relay(rl -> rl.minPort(port).maxPort(port + 1).addAlternateServer(first)
                .addAlternateServer(new InetSocketAddress("2001:db8::1", 3478)).addAlternateServer(second)).build(),
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
    void shouldRefuseAnAllocateWhileDrainingWith508OrSendItToTheAlternateServerWith300() {
        InetSocketAddress alternate = new InetSocketAddress("192.0.2.1", 3478);
        server.services().admission().drain();
        try (TestServices redirecting = new TestServices(ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())).auth(au -> au.realm(REALM)).auth(au -> au.user(USER, PASSWORD))
                .relay(rl -> rl.minPort(port).maxPort(port + 1).addAlternateServer(alternate)).build(), clock)) {
            redirecting.services().admission().drain();

            int refused = errorOf(authenticated(protocol, StunMethod.ALLOCATE,
                    e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP)));
            nonce = null; // the other server's nonces are its own
            ByteBuf response = authenticated(new TurnProtocol(redirecting.services(), link), StunMethod.ALLOCATE,
                    e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP));
            StunMessage redirected = parse(response);
            InetSocketAddress sentTo = new AddressAttribute().wrap(redirected,
                    redirected.findAttribute(StunAttributeType.ALTERNATE_SERVER)).toSocketAddress();

            // RFC 8656 §7.2: 508, the server out of room; with an alternate, RFC 8489 §10's 300 sends it there.
            assertEquals(StunErrorCode.INSUFFICIENT_CAPACITY, refused);
            assertEquals(StunErrorCode.TRY_ALTERNATE, errorOf(response));
            assertEquals(alternate, sentTo);
            assertNull(link.allocation(CLIENT), "no allocation made");
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
        RelayAllocation allocation = allocate(protocol, e -> { });
        ByteBuf frame = Unpooled.buffer().writeShort(0x4000).writeShort(4).writeInt(42);
        onLoop(() -> protocol.onFrame(frame, CLIENT));
        assertEquals(List.of(), link.takeRelayedFrom(), "no channel bound");
        onLoop(() -> allocation.bindChannel(0x4000, PUBLIC_PEER, System.nanoTime()));
        onLoop(() -> protocol.onFrame(frame.readerIndex(0), CLIENT));
        assertEquals(List.of(allocation.relayedAddress()), link.takeRelayedFrom());
        frame.release();
    }

    @Test
    void shouldAllocateAnIpv4AndAnIpv6RelayedAddressForAdditionalAddressFamily() {
        TurnProtocol dualProtocol = dualStack(b -> b.limits(lm -> lm.userQuota(2)));

        StunMessage allocated = allocated(authenticated(dualProtocol, StunMethod.ALLOCATE, dual()));

        List<InetSocketAddress> relayed = AddressAttributes.all(allocated, StunAttributeType.XOR_RELAYED_ADDRESS);
        assertEquals(List.of(InetAddress.getLoopbackAddress(), IPV6_LOOPBACK),
                relayed.stream().map(InetSocketAddress::getAddress).toList(), "RFC 8656 §7.2: IPv4, then IPv6");
        assertTrue(allocated.findAttribute(StunAttributeType.ADDRESS_ERROR_CODE) < 0, "both families granted");
        assertEquals(relayed, link.allocation(CLIENT).relays().stream().map(r -> r.relayedAddress()).toList());
        Quotas quotas = dual.services().relays().quotas();
        assertEquals(Quotas.Verdict.GRANTED, quotas.acquire(USER), "the dual allocation took one place of two");
        assertNotEquals(Quotas.Verdict.GRANTED, quotas.acquire(USER));
    }

    @Test
    void shouldGrantTheIpv4RelayedAddressAndRefuseTheIpv6OneWith440WithoutAnIpv6Relay() {
        StunMessage allocated = allocated(authenticated(StunMethod.ALLOCATE, dual()));

        assertEquals(List.of(InetAddress.getLoopbackAddress()), relayedIps(allocated));
        assertAddressError(allocated, AddressAttribute.FAMILY_IPV6, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
    }

    @Test
    void shouldTakeCoturnsAdditionalAddressFamilyAndAnswerInItsCode() {
        StunMessage allocated = allocated(authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP).addAddressFamily(
                        StunAttributeType.LEGACY_ADDITIONAL_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6)));

        assertEquals(List.of(InetAddress.getLoopbackAddress()), relayedIps(allocated));
        assertTrue(allocated.findAttribute(StunAttributeType.ADDRESS_ERROR_CODE) < 0, "not RFC 8656's code");
        int attribute = allocated.findAttribute(StunAttributeType.LEGACY_ADDRESS_ERROR_CODE);
        assertEquals(AddressAttribute.FAMILY_IPV6, StunAttributes.addressErrorFamily(allocated, attribute));
        assertEquals(StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, StunAttributes.errorCode(allocated, attribute));
    }

    @Test
    void shouldGrantTheIpv6RelayedAddressAndRefuseTheIpv4OneWith440WithoutAnIpv4Relay() {
        TurnProtocol ipv6Only = services(b -> b.relay(rl -> rl.addRelayIp(IPV6_LOOPBACK)));

        StunMessage allocated = allocated(authenticated(ipv6Only, StunMethod.ALLOCATE, dual()));

        assertEquals(List.of(IPV6_LOOPBACK), relayedIps(allocated));
        assertAddressError(allocated, AddressAttribute.FAMILY_IPV4, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
    }

    @Test
    void shouldRefuseTheIpv6RelayedAddressWith508WhenNoPortIsLeftForIt() {
        TurnProtocol onePort = dualStack(b -> b.relay(rl -> rl.maxPort(port)));

        StunMessage allocated = allocated(authenticated(onePort, StunMethod.ALLOCATE, dual()));

        assertEquals(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
                AddressAttributes.all(allocated, StunAttributeType.XOR_RELAYED_ADDRESS));
        assertAddressError(allocated, AddressAttribute.FAMILY_IPV6, StunErrorCode.INSUFFICIENT_CAPACITY);
    }

    @Test
    void shouldAnswerAMalformedDualAllocateWith400() {
        TurnProtocol dualProtocol = dualStack(b -> { });
        assertEquals(StunErrorCode.BAD_REQUEST, errorOf(authenticated(dualProtocol, StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP)
                        .addAddressFamily(StunAttributeType.ADDITIONAL_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV4))),
                "RFC 8656 §7.2: ADDITIONAL-ADDRESS-FAMILY asks for IPv6 only");
        assertEquals(StunErrorCode.BAD_REQUEST, errorOf(authenticated(dualProtocol, StunMethod.ALLOCATE,
                dual().andThen(e -> e.addEvenPort(true)))), "RFC 8656 §7.2: no port to keep for two addresses");
        assertEquals(StunErrorCode.BAD_REQUEST, errorOf(authenticated(dualProtocol, StunMethod.ALLOCATE,
                dual().andThen(e -> e.addAddressFamily(StunAttributeType.REQUESTED_ADDRESS_FAMILY,
                        AddressAttribute.FAMILY_IPV6)))));
    }

    @Test
    void shouldReachEachPeerOfADualAllocationThroughTheRelayOfItsFamily() {
        TurnProtocol dualProtocol = dualStack(b -> b.peers(pe -> pe.addAllowedPeerRange(AddressRange.parse("192.0.2.0/24"))
                .addAllowedPeerRange(AddressRange.parse("2001:db8::/32"))));
        StunMessage allocated = allocated(authenticated(dualProtocol, StunMethod.ALLOCATE, dual()));
        List<InetSocketAddress> relayed = AddressAttributes.all(allocated, StunAttributeType.XOR_RELAYED_ADDRESS);

        assertEquals(StunClass.SUCCESS_RESPONSE, classOf(authenticated(dualProtocol, StunMethod.CREATE_PERMISSION,
                e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, PUBLIC_PEER)
                        .addAddress(StunAttributeType.XOR_PEER_ADDRESS, IPV6_PEER))));
        assertEquals(StunClass.SUCCESS_RESPONSE, classOf(authenticated(dualProtocol, StunMethod.CHANNEL_BIND,
                e -> e.addChannelNumber(0x4000).addAddress(StunAttributeType.XOR_PEER_ADDRESS, IPV6_PEER))));
        assertEquals(StunClass.SUCCESS_RESPONSE, classOf(authenticated(dualProtocol, StunMethod.CHANNEL_BIND,
                e -> e.addChannelNumber(0x4001).addAddress(StunAttributeType.XOR_PEER_ADDRESS, PUBLIC_PEER))));
        for (int channel : new int[] {0x4000, 0x4001}) {
            ByteBuf frame = Unpooled.buffer().writeShort(channel).writeShort(4).writeInt(42);
            onLoop(() -> dualProtocol.onFrame(frame, CLIENT));
            frame.release();
        }
        indication(dualProtocol, PUBLIC_PEER);
        indication(dualProtocol, IPV6_PEER);

        assertEquals(List.of(relayed.get(1), relayed.get(0), relayed.get(0), relayed.get(1)), link.takeRelayedFrom());
    }

    @Test
    void shouldAnswerAPeerOfTheFamilyAnIpv6AllocationLacksWith443() {
        TurnProtocol dualProtocol = dualStack(b -> b.peers(pe -> pe.addAllowedPeerRange(AddressRange.parse("192.0.2.0/24"))));
        allocate(dualProtocol, e -> e.addAddressFamily(StunAttributeType.REQUESTED_ADDRESS_FAMILY,
                AddressAttribute.FAMILY_IPV6));

        assertEquals(StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, errorOf(authenticated(dualProtocol,
                StunMethod.CREATE_PERMISSION, e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, PUBLIC_PEER))));
        assertEquals(StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, errorOf(authenticated(dualProtocol,
                StunMethod.CHANNEL_BIND, e -> e.addChannelNumber(0x4000)
                        .addAddress(StunAttributeType.XOR_PEER_ADDRESS, PUBLIC_PEER))));
        assertEquals(StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, errorOf(authenticated(dualProtocol,
                StunMethod.REFRESH, e -> e.addAddressFamily(StunAttributeType.REQUESTED_ADDRESS_FAMILY,
                        AddressAttribute.FAMILY_IPV4))), "RFC 8656 §8.2");
        indication(dualProtocol, PUBLIC_PEER);
        assertEquals(List.of(), link.takeRelayedFrom(), "a Send indication gets no answer: it is dropped");
        assertEquals(1, dual.services().counters().get(ServerCounter.PEER_FAMILY_MISMATCH));
    }

    @Test
    void shouldPassIpv6PeersThroughThePeerPolicyWith403() {
        TurnProtocol dualProtocol = dualStack(b -> { });
        allocated(authenticated(dualProtocol, StunMethod.ALLOCATE, dual()));

        assertEquals(StunErrorCode.FORBIDDEN, errorOf(authenticated(dualProtocol, StunMethod.CREATE_PERMISSION,
                e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, new InetSocketAddress(IPV6_LOOPBACK, 40_000)))));
    }

    @Test
    void shouldCloseBothRelaysOfADualAllocationDeletedByRefresh() {
        TurnProtocol dualProtocol = dualStack(b -> { });
        allocated(authenticated(dualProtocol, StunMethod.ALLOCATE, dual()));
        RelayResources relays = dual.services().relays();
        assertEquals(relays.ports().capacity() - 2, relays.ports().available(), "a port for each relayed address");

        assertEquals(StunClass.SUCCESS_RESPONSE, classOf(authenticated(dualProtocol, StunMethod.REFRESH,
                e -> e.addUint32(StunAttributeType.LIFETIME, 0))));

        assertNull(link.allocation(CLIENT));
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (relays.ports().available() < relays.ports().capacity() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals(relays.ports().capacity(), relays.ports().available(), "both ports back once both sockets closed");
        assertEquals(Quotas.Verdict.GRANTED, relays.quotas().acquire(USER), "the quota given back");
    }

    private static Consumer<StunMessageEncoder> dual() {
        return e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP)
                .addAddressFamily(StunAttributeType.ADDITIONAL_ADDRESS_FAMILY, AddressAttribute.FAMILY_IPV6);
    }

    /** A protocol for the link on a server relaying from 127.0.0.1 and ::1 on the test's two relay ports. */
    private TurnProtocol dualStack(Consumer<ServerConfig.Builder> settings) {
        return services(settings.andThen(b -> b.listeners(ls -> ls.addListeningIp(IPV6_LOOPBACK))));
    }

    /** A protocol for the link on a server of the test's user, realm and relay ports, and {@code settings}. */
    private TurnProtocol services(Consumer<ServerConfig.Builder> settings) {
        ServerConfig.Builder builder = ServerConfig.builder().listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress()))
                .auth(au -> au.realm(REALM)).auth(au -> au.user(USER, PASSWORD)).relay(rl -> rl.minPort(port).maxPort(port + 1));
        settings.accept(builder);
        dual = new TestServices(builder.build(), clock);
        return new TurnProtocol(dual.services(), link);
    }

    /** A Send indication of four bytes to {@code peer}, which gets no answer. */
    private void indication(TurnProtocol handler, InetSocketAddress peer) {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        ByteBuf send = Unpooled.buffer();
        encoder.wrap(send).header(StunMessageType.of(StunMethod.SEND, StunClass.INDICATION), transactionId)
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer).addBytes(StunAttributeType.DATA, new byte[4])
                .finish();
        onLoop(() -> handler.onFrame(send, CLIENT));
        send.release();
    }

    /** The success response to an Allocate, copied so the response can be released. */
    private static StunMessage allocated(ByteBuf response) {
        ByteBuf copy = Unpooled.copiedBuffer(response);
        response.release();
        StunMessage message = parse(copy);
        assertEquals(StunClass.SUCCESS_RESPONSE, StunMessageType.stunClass(message.messageType()),
                () -> "an error response: " + StunAttributes.errorCode(message,
                        message.findAttribute(StunAttributeType.ERROR_CODE)));
        return message;
    }

    private static List<InetAddress> relayedIps(StunMessage allocated) {
        return AddressAttributes.all(allocated, StunAttributeType.XOR_RELAYED_ADDRESS).stream()
                .map(InetSocketAddress::getAddress).toList();
    }

    private static void assertAddressError(StunMessage message, int family, int code) {
        int attribute = message.findAttribute(StunAttributeType.ADDRESS_ERROR_CODE);
        assertTrue(attribute >= 0, "ADDRESS-ERROR-CODE");
        assertEquals(family, StunAttributes.addressErrorFamily(message, attribute));
        assertEquals(code, StunAttributes.errorCode(message, attribute));
    }

    /** The class of a response, which this releases. */
    private static int classOf(ByteBuf response) {
        try {
            return StunMessageType.stunClass(parse(response).messageType());
        } finally {
            response.release();
        }
    }

    /**
     * An allocation made by an Allocate with the attributes {@code family} adds, relay sockets and all; its success
     * response is released.
     */
    private RelayAllocation allocate(TurnProtocol handler, Consumer<StunMessageEncoder> family) {
        ByteBuf response = authenticated(handler, StunMethod.ALLOCATE,
                family.andThen(e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP)));
        try {
            assertEquals(StunClass.SUCCESS_RESPONSE, StunMessageType.stunClass(parse(response).messageType()));
        } finally {
            response.release();
        }
        return link.allocation(CLIENT);
    }

    /** An allocation of {@code username} made by hand, with no relay: what comes before relaying is tested on it. */
    private void allocateWithoutRelay(String username) {
        long hour = TimeUnit.HOURS.toNanos(1);
        link.add(new RelayAllocation(FiveTuple.of(TransportProtocol.UDP, CLIENT, RecordingLink.LOCAL), username, REALM,
                new InetSocketAddress(RecordingLink.LOCAL.getAddress(), port), link, hour, System.nanoTime(), hour,
                hour, 0));
    }

    /** Runs {@code task} on the link's event loop, which owns its allocation, and waits for it. */
    private void onLoop(Runnable task) {
        link.eventLoop().submit(task).syncUninterruptibly();
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
        onLoop(() -> handler.onFrame(request, CLIENT));
        request.release();
        List<ByteBuf> sent = awaitSent();
        assertEquals(1, sent.size(), "one response");
        return sent.get(0);
    }

    private List<ByteBuf> awaitSent() {
        try {
            return link.awaitSent(ANSWER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
