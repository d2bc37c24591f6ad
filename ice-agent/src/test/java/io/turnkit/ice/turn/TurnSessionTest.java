package io.turnkit.ice.turn;

import static io.turnkit.ice.turn.ScriptedTurnServer.ADDRESS;
import static io.turnkit.ice.turn.ScriptedTurnServer.MAPPED;
import static io.turnkit.ice.turn.ScriptedTurnServer.MD5_KEY;
import static io.turnkit.ice.turn.ScriptedTurnServer.RELAYED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.MessageIntegritySha256;
import io.turnkit.stun.PasswordAlgorithm;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/** The TURN client session's state machine and timing, against scripted answers on an injected clock. */
class TurnSessionTest {
    /** Near the end of the clock's range, so that every deadline below wraps around as System.nanoTime may. */
    private static final long T0 = Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(5);
    private static final String NONCE = "f00dcafe";
    private static final InetSocketAddress PEER = ScriptedTurnServer.address("203.0.113.9", 7000);

    private final ScriptedTurnServer server = new ScriptedTurnServer();
    private TurnSession session = session(TransportProtocol.UDP);

    @Test
    void shouldAllocateWithTheRealmAndNonceTheFirst401Taught() {
        session.start(T0);
        StunMessage first = request();
        assertEquals(StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST), first.messageType());
        assertEquals(StunAttributes.TRANSPORT_UDP, StunAttributes.requestedTransport(first,
                first.findAttribute(StunAttributeType.REQUESTED_TRANSPORT)));
        assertFalse(first.hasAttribute(StunAttributeType.USERNAME), "the first request goes without credentials");

        assertTrue(input(server.challenge(first, StunErrorCode.UNAUTHENTICATED, NONCE), T0));
        StunMessage signed = request();
        assertNotEquals(first.transactionIdHigh(), signed.transactionIdHigh(), "a new transaction");
        assertEquals(ScriptedTurnServer.REALM, string(signed, StunAttributeType.REALM));
        assertEquals(NONCE, string(signed, StunAttributeType.NONCE));
        assertTrue(MessageIntegrity.check(signed, MD5_KEY));

        input(server.allocated(signed, 600), T0);

        assertEquals(List.of(new TurnEvent.Allocated(new TurnAllocation(RELAYED, MAPPED, Duration.ofSeconds(600)))),
                events());
        assertEquals(TurnSession.State.ALLOCATED, session.state());
    }

    @Test
    void shouldSignWithSha256WhenTheNonceOffersPasswordAlgorithms() {
        session.start(T0);
        StunMessage first = request();
        ByteBuf challenge = server.error(first, StunErrorCode.UNAUTHENTICATED, null, e -> e
                .addString(StunAttributeType.REALM, ScriptedTurnServer.REALM)
                // RFC 8489 §9.2.1: the cookie, then base64 of 0x800000, the "Password algorithms" bit.
                .addString(StunAttributeType.NONCE, "obMatJos2gAAA" + NONCE)
                .addPasswordAlgorithms(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5));
        input(challenge, T0);

        StunMessage signed = request();

        assertTrue(MessageIntegritySha256.check(signed, ScriptedTurnServer.SHA256_KEY));
        assertEquals(PasswordAlgorithm.SHA256, StunAttributes.passwordAlgorithm(signed,
                signed.findAttribute(StunAttributeType.PASSWORD_ALGORITHM)));
    }

    @Test
    void shouldRetransmitOverUdpAtDoublingIntervalsAndFailAfter39AndAHalfSeconds() {
        session.start(T0);
        List<Long> sentAtMillis = new ArrayList<>();
        long now = T0;
        while (session.state() == TurnSession.State.ALLOCATING) {
            for (Transmit t = session.pollTransmit(); t != null; t = session.pollTransmit()) {
                sentAtMillis.add(TimeUnit.NANOSECONDS.toMillis(now - T0));
            }
            now = session.pollTimeout().getAsLong();
            session.handleTimeout(now);
        }

        // RFC 8489 §6.2.1: RTO 500 ms doubling, Rc = 7, then Rm = 16 RTOs of waiting.
        assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 15_500L, 31_500L), sentAtMillis);
        assertEquals(39_500, TimeUnit.NANOSECONDS.toMillis(now - T0));
        TurnEvent.Failed failed = assertInstanceOf(TurnEvent.Failed.class, events().get(0));
        assertEquals(StunMethod.ALLOCATE, failed.method());
        assertEquals(0, failed.code());
        assertEquals(TurnSession.State.FAILED, session.state());
        assertEquals(OptionalLong.empty(), session.pollTimeout());
    }

    @Test
    void shouldSendOnceOverTcpAndFailAfter39AndAHalfSeconds() {
        session = session(TransportProtocol.TCP);
        session.start(T0);
        assertNotNull(session.pollTransmit());

        assertEquals(T0 + TimeUnit.MILLISECONDS.toNanos(39_500), session.pollTimeout().getAsLong());
        session.handleTimeout(T0 + TimeUnit.MILLISECONDS.toNanos(39_499));
        assertNull(session.pollTransmit(), "RFC 8489 §6.2.2: no retransmission over a stream");
        assertEquals(TurnSession.State.ALLOCATING, session.state());
        session.handleTimeout(T0 + TimeUnit.MILLISECONDS.toNanos(39_500));

        assertEquals(TurnSession.State.FAILED, session.state());
        assertNull(session.pollTransmit());
    }

    @Test
    void shouldGiveUpWhenTheSignedRequestIsRefusedWith401() {
        session.start(T0);
        input(server.challenge(request(), StunErrorCode.UNAUTHENTICATED, NONCE), T0);

        input(server.challenge(request(), StunErrorCode.UNAUTHENTICATED, NONCE), T0);

        assertEquals(List.of(new TurnEvent.Failed(StunMethod.ALLOCATE, 401, "Unauthenticated")), events());
        assertNull(session.pollTransmit(), "wrong credentials: no retry");
        assertEquals(TurnSession.State.FAILED, session.state());
    }

    @Test
    void shouldRetryWithTheFreshNonceOfA438() {
        allocate();
        session.createPermission(PEER.getAddress(), T0);
        StunMessage stale = request();

        input(server.error(stale, StunErrorCode.STALE_NONCE, MD5_KEY, e -> e
                .addString(StunAttributeType.REALM, ScriptedTurnServer.REALM)
                .addString(StunAttributeType.NONCE, "fresh")), T0);
        StunMessage retry = request();
        assertEquals("fresh", string(retry, StunAttributeType.NONCE));
        input(server.success(retry, MD5_KEY, e -> { }), T0);

        assertEquals(List.of(new TurnEvent.PermissionCreated(PEER.getAddress())), events());
    }

    @Test
    void shouldSurfaceTryAlternateAsAnEvent() {
        session.start(T0);
        InetSocketAddress alternate = ScriptedTurnServer.address("192.0.2.2", 3478);

        input(server.error(request(), StunErrorCode.TRY_ALTERNATE, null,
                e -> e.addAddress(StunAttributeType.ALTERNATE_SERVER, alternate)), T0);

        assertEquals(List.of(new TurnEvent.AlternateServer(alternate)), events());
        assertEquals(TurnSession.State.FAILED, session.state());
    }

    @Test
    void shouldReportAnyOtherErrorWithItsCode() {
        session.start(T0);
        input(server.challenge(request(), StunErrorCode.UNAUTHENTICATED, NONCE), T0);

        input(server.error(request(), StunErrorCode.ALLOCATION_QUOTA_REACHED, MD5_KEY, e -> { }), T0);

        assertEquals(List.of(new TurnEvent.Failed(StunMethod.ALLOCATE, 486, "Allocation Quota Reached")), events());
    }

    @Test
    void shouldFailTheTransactionOnAnUnknownComprehensionRequiredAttribute() {
        session.start(T0);
        input(server.challenge(request(), StunErrorCode.UNAUTHENTICATED, NONCE), T0);

        // RFC 8489 §6.3.3: a success response with such an attribute fails the transaction.
        input(server.success(request(), MD5_KEY, e -> e.addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, RELAYED)
                .addUint32(StunAttributeType.LIFETIME, 600)
                .addBytes(0x7F00, new byte[4])), T0);

        TurnEvent.Failed failed = assertInstanceOf(TurnEvent.Failed.class, events().get(0));
        assertEquals(StunMethod.ALLOCATE, failed.method());
        assertEquals(TurnSession.State.FAILED, session.state());
    }

    @Test
    void shouldStopAtOnceWhenClosedBeforeTheAllocation() {
        session.start(T0);
        StunMessage allocate = request();

        session.close(T0);

        assertEquals(List.of(new TurnEvent.Closed()), events());
        assertNull(session.pollTransmit());
        assertEquals(OptionalLong.empty(), session.pollTimeout(), "no retransmission");
        assertFalse(input(server.allocated(allocate, 600), T0), "a late answer belongs to no transaction");
        assertEquals(TurnSession.State.CLOSED, session.state());
    }

    @Test
    void shouldRefreshTheAllocationAMinuteBeforeItExpires() {
        allocate();
        long due = T0 + TimeUnit.SECONDS.toNanos(540);
        assertEquals(due, session.pollTimeout().getAsLong());

        session.handleTimeout(due - 1);
        assertNull(session.pollTransmit());
        session.handleTimeout(due);
        StunMessage refresh = request();
        assertEquals(StunMethod.REFRESH, refresh.method());
        assertEquals(600, StunAttributes.uint32(refresh, refresh.findAttribute(StunAttributeType.LIFETIME)));
        input(server.success(refresh, MD5_KEY, e -> e.addUint32(StunAttributeType.LIFETIME, 100)), due);

        assertEquals(List.of(new TurnEvent.Refreshed(Duration.ofSeconds(100))), events());
        assertEquals(due + TimeUnit.SECONDS.toNanos(50), session.pollTimeout().getAsLong(),
                "a lifetime of 2 minutes or less is refreshed halfway");
    }

    @Test
    void shouldRefreshPermissionsEvery240SecondsAndChannelsEvery540() {
        allocate();
        session.createPermission(PEER.getAddress(), T0);
        input(server.success(request(), MD5_KEY, e -> { }), T0);
        assertEquals(0x4000, session.bindChannel(PEER, T0));
        StunMessage bind = request();
        assertEquals(0x4000, StunAttributes.channelNumber(bind, bind.findAttribute(StunAttributeType.CHANNEL_NUMBER)));
        input(server.success(bind, MD5_KEY, e -> { }), T0);
        assertEquals(List.of(new TurnEvent.PermissionCreated(PEER.getAddress()),
                new TurnEvent.ChannelBound(0x4000, PEER)), events());

        for (long seconds : new long[] {240, 480}) {
            long permissionDue = T0 + TimeUnit.SECONDS.toNanos(seconds);
            assertEquals(permissionDue, session.pollTimeout().getAsLong());
            session.handleTimeout(permissionDue);
            StunMessage permission = request();
            assertEquals(StunMethod.CREATE_PERMISSION, permission.method());
            assertNull(session.pollTransmit());
            input(server.success(permission, MD5_KEY, e -> { }), permissionDue);
        }

        long channelDue = T0 + TimeUnit.SECONDS.toNanos(540);
        assertEquals(channelDue, session.pollTimeout().getAsLong(), "the allocation and the channel are both due");
        session.handleTimeout(channelDue);
        List<Integer> methods = new ArrayList<>();
        for (Transmit t = session.pollTransmit(); t != null; t = session.pollTransmit()) {
            methods.add(ScriptedTurnServer.read(t).method());
        }
        assertEquals(List.of(StunMethod.REFRESH, StunMethod.CHANNEL_BIND), methods);
        assertEquals(List.of(), events(), "refreshes are not reported as new permissions or channels");
    }

    @Test
    void shouldKeepThePermissionThatAChannelBindingInstalled() {
        allocate();
        session.bindChannel(PEER, T0);
        input(server.success(request(), MD5_KEY, e -> { }), T0);
        assertEquals(List.of(new TurnEvent.ChannelBound(0x4000, PEER), new TurnEvent.PermissionCreated(
                PEER.getAddress())), events());

        long due = T0 + TimeUnit.SECONDS.toNanos(240);
        assertEquals(due, session.pollTimeout().getAsLong());
        session.handleTimeout(due);
        StunMessage permission = request();

        assertEquals(StunMethod.CREATE_PERMISSION, permission.method(), "the permission lasts 300 s, the channel 600");
    }

    @Test
    void shouldDropAResponseWhoseIntegrityDoesNotVerify() {
        session.start(T0);
        input(server.challenge(request(), StunErrorCode.UNAUTHENTICATED, NONCE), T0);
        StunMessage signed = request();

        assertTrue(input(server.success(signed, "another key".getBytes(StandardCharsets.UTF_8), e -> e
                .addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, RELAYED)
                .addUint32(StunAttributeType.LIFETIME, 600)), T0));

        assertEquals(1, session.dropped(TurnSession.Drop.BAD_INTEGRITY));
        assertEquals(List.of(), events());
        assertEquals(TurnSession.State.ALLOCATING, session.state());
        session.handleTimeout(session.pollTimeout().getAsLong());
        assertNotNull(session.pollTransmit(), "the transaction goes on: the request is retransmitted");
    }

    @Test
    void shouldCountAndDropMalformedAndUnexpectedInput() {
        allocate();
        StunMessage someoneElses = new StunMessage();
        ByteBuf bytes = Unpooled.buffer();
        new StunMessageEncoder().wrap(bytes).header(StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST),
                new byte[12]).finish();
        someoneElses.wrap(bytes, 0, bytes.readableBytes()).validate();

        assertFalse(input(server.success(someoneElses, null, e -> { }), T0), "an unknown transaction may be the "
                + "driver's own");
        assertTrue(input(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0}), T0));
        assertTrue(input(Unpooled.buffer(0), T0));
        assertTrue(input(Unpooled.wrappedBuffer(new byte[] {0x40, 0x00, 0x00, 0x04, 1}), T0));
        assertTrue(input(channelData(0x4123, "who?"), T0));
        assertTrue(input(bytes, T0), "a request from the server");
        assertFalse(session.handleInput(PEER, channelData(0x4000, "x"), T0), "not from the server");

        assertEquals(1, session.dropped(TurnSession.Drop.UNMATCHED));
        assertEquals(3, session.dropped(TurnSession.Drop.MALFORMED));
        assertEquals(1, session.dropped(TurnSession.Drop.UNKNOWN_CHANNEL));
        assertEquals(1, session.dropped(TurnSession.Drop.UNEXPECTED));
        assertEquals(List.of(), events());
        assertEquals(TurnSession.State.ALLOCATED, session.state());
    }

    @Test
    void shouldNeverThrowOnRandomBytes() {
        allocate();
        Random random = new Random(8656);
        for (int i = 0; i < 10_000; i++) {
            byte[] garbage = new byte[random.nextInt(120)];
            random.nextBytes(garbage);
            // Often a plausible header: STUN's or ChannelData's first bits, the magic cookie.
            if (garbage.length >= 8 && random.nextBoolean()) {
                garbage[0] = (byte) (random.nextBoolean() ? 0x01 : 0x40);
                garbage[4] = 0x21;
                garbage[5] = 0x12;
                garbage[6] = (byte) 0xA4;
                garbage[7] = 0x42;
            }
            session.handleInput(ADDRESS, Unpooled.wrappedBuffer(garbage), T0);
        }

        long dropped = 0;
        for (TurnSession.Drop reason : TurnSession.Drop.values()) {
            dropped += session.dropped(reason);
        }
        assertEquals(10_000, dropped);
        assertEquals(TurnSession.State.ALLOCATED, session.state());
    }

    @Test
    void shouldReportChannelDataAndDataIndicationsAsPeerData() {
        allocate();
        int channel = session.bindChannel(PEER, T0);
        input(server.success(request(), MD5_KEY, e -> { }), T0);
        events();
        ByteBuf indication = Unpooled.buffer();
        new StunMessageEncoder().wrap(indication).header(StunMessageType.of(StunMethod.DATA, StunClass.INDICATION),
                new byte[12])
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, PEER)
                .addBytes(StunAttributeType.DATA, "by indication".getBytes(StandardCharsets.UTF_8))
                .finish();

        input(channelData(channel, "by channel"), T0);
        input(indication, T0);

        List<TurnEvent> events = events();
        assertEquals(2, events.size());
        assertPeerData(events.get(0), "by channel");
        assertPeerData(events.get(1), "by indication");
    }

    @Test
    void shouldSendChannelDataOnceBoundAndSendIndicationsBefore() {
        allocate();
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        session.send(PEER, hello, 0, hello.length);
        StunMessage send = request();
        assertEquals(StunMessageType.of(StunMethod.SEND, StunClass.INDICATION), send.messageType());
        assertEquals("hello", string(send, StunAttributeType.DATA));

        int channel = session.bindChannel(PEER, T0);
        input(server.success(request(), MD5_KEY, e -> { }), T0);
        session.send(PEER, hello, 0, hello.length);

        byte[] frame = session.pollTransmit().bytes();
        assertEquals(ChannelData.HEADER_LENGTH + 5, frame.length, "no padding over UDP");
        assertEquals(channel, (frame[0] & 0xFF) << 8 | frame[1] & 0xFF);
        assertEquals(5, frame[3]);
        assertEquals("hello", new String(frame, 4, 5, StandardCharsets.UTF_8));
    }

    @Test
    void shouldPadChannelDataOnAStream() {
        session = session(TransportProtocol.TLS);
        allocate();
        session.bindChannel(PEER, T0);
        input(server.success(request(), MD5_KEY, e -> { }), T0);

        session.send(PEER, new byte[] {1, 2, 3, 4, 5}, 0, 5);

        assertArrayEquals(new byte[] {0x40, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0}, session.pollTransmit().bytes());
    }

    @Test
    void shouldDeleteTheAllocationWithARefreshOfLifetimeZeroOnClose() {
        allocate();
        session.createPermission(PEER.getAddress(), T0);
        request();

        session.close(T0);
        StunMessage refresh = request();
        assertEquals(StunMethod.REFRESH, refresh.method());
        assertEquals(0, StunAttributes.uint32(refresh, refresh.findAttribute(StunAttributeType.LIFETIME)));
        assertEquals(TurnSession.State.CLOSING, session.state());
        input(server.success(refresh, MD5_KEY, e -> e.addUint32(StunAttributeType.LIFETIME, 0)), T0);

        assertEquals(List.of(new TurnEvent.Closed()), events());
        assertEquals(TurnSession.State.CLOSED, session.state());
        assertEquals(OptionalLong.empty(), session.pollTimeout(), "no more refreshes");
        assertThrows(IllegalStateException.class, () -> session.send(PEER, new byte[1], 0, 1));
    }

    @Test
    void shouldLoseTheAllocationOn437() {
        allocate();
        session.bindChannel(PEER, T0);

        input(server.error(request(), StunErrorCode.ALLOCATION_MISMATCH, MD5_KEY, e -> { }), T0);

        assertEquals(List.of(new TurnEvent.Failed(StunMethod.CHANNEL_BIND, 437, "Allocation Mismatch")), events());
        assertEquals(TurnSession.State.FAILED, session.state());
    }

    private TurnSession session(TransportProtocol transport) {
        return new TurnSession(ADDRESS, transport,
                new LongTermCredentials(ScriptedTurnServer.USER, ScriptedTurnServer.PASSWORD),
                TurnSession.Options.DEFAULTS);
    }

    /** Allocates at T0 with a lifetime of 600 s, the Allocated event taken. */
    private void allocate() {
        session.start(T0);
        input(server.challenge(request(), StunErrorCode.UNAUTHENTICATED, NONCE), T0);
        input(server.allocated(request(), 600), T0);
        assertInstanceOf(TurnEvent.Allocated.class, events().get(0));
    }

    private StunMessage request() {
        Transmit transmit = session.pollTransmit();
        assertNotNull(transmit, "the session sent nothing");
        return ScriptedTurnServer.read(transmit);
    }

    private boolean input(ByteBuf frame, long now) {
        return session.handleInput(ADDRESS, frame, now);
    }

    private List<TurnEvent> events() {
        List<TurnEvent> events = new ArrayList<>();
        for (TurnEvent e = session.pollEvent(); e != null; e = session.pollEvent()) {
            events.add(e);
        }
        return events;
    }

    private static ByteBuf channelData(int channel, String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = Unpooled.buffer();
        ChannelData.writeHeader(out, channel, data.length);
        return out.writeBytes(data);
    }

    private static String string(StunMessage m, int type) {
        return StunAttributes.string(m, m.findAttribute(type));
    }

    private static void assertPeerData(TurnEvent event, String text) {
        TurnEvent.PeerData data = assertInstanceOf(TurnEvent.PeerData.class, event);
        assertEquals(PEER, data.peer());
        assertEquals(text, new String(data.data(), StandardCharsets.UTF_8));
    }
}
