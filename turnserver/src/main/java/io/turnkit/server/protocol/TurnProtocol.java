package io.turnkit.server.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.turnkit.server.auth.AuthResult;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.relay.PeerDataHandler;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.store.ChannelBindResult;
import io.turnkit.store.FiveTuple;
import io.turnkit.store.Quotas;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.AttributeIterator;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.ChannelDataValidation;
import io.turnkit.stun.DetectedProtocol;
import io.turnkit.stun.ProtocolDetector;
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
 * What the server does with one frame from a client: STUN requests and indications (RFC 8489, RFC 8656)
 * and ChannelData (RFC 8656 §12). One instance per client link; it holds the flyweights it re-wraps for
 * every frame, so it is used from one event loop only.
 */
public final class TurnProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(TurnProtocol.class);
    /** A relay port can be taken by another process between the pool handing it out and the bind. */
    private static final int BIND_ATTEMPTS = 8;

    private final TurnServices server;
    private final TurnSettings settings;
    private final ClientLink link;
    /** Made on the event loop at the first STUN frame, so it counts into that loop's validation counters. */
    private StunMessage message;
    private final ChannelData channelData = new ChannelData();
    private final AddressAttribute address = new AddressAttribute();
    private final AttributeIterator attributes = new AttributeIterator();
    private final StunMessageEncoder encoder = new StunMessageEncoder();

    public TurnProtocol(TurnServices server, ClientLink link) {
        this.server = server;
        this.settings = server.settings();
        this.link = link;
    }

    /** A whole frame from the client: a datagram, or one frame cut from a stream. Never throws on bad input. */
    public void onFrame(ByteBuf frame, InetSocketAddress client) {
        int offset = frame.readerIndex();
        int length = frame.readableBytes();
        if (length == 0) {
            server.counters().increment(ServerCounter.UNKNOWN_PROTOCOL);
            return;
        }
        // RFC 7983 §7: STUN and ChannelData are all that belongs on a TURN client port (DTLS is yet to come).
        DetectedProtocol protocol = ProtocolDetector.detect(frame.getUnsignedByte(offset));
        if (protocol == DetectedProtocol.STUN) {
            onStun(frame, offset, length, client);
        } else if (protocol == DetectedProtocol.CHANNEL_DATA) {
            onChannelData(frame, offset, length, client);
        } else {
            server.counters().increment(ServerCounter.UNKNOWN_PROTOCOL);
        }
    }

    private void onChannelData(ByteBuf frame, int offset, int length, InetSocketAddress client) {
        if (channelData.wrap(frame, offset, length).validate(link.isStream()) != ChannelDataValidation.VALID) {
            server.counters().increment(ServerCounter.MALFORMED_CHANNEL_DATA);
            return;
        }
        RelayAllocation allocation = link.allocation(client);
        if (allocation == null) {
            server.counters().increment(ServerCounter.NO_ALLOCATION);
            return;
        }
        long now = System.nanoTime();
        InetSocketAddress peer = allocation.peerOfChannel(channelData.channelNumber(), now);
        if (peer == null) {
            server.counters().increment(ServerCounter.NO_CHANNEL);
            return;
        }
        relayToPeer(allocation, frame.retainedSlice(channelData.dataOffset(), channelData.dataLength()), peer, now);
    }

    private void relayToPeer(RelayAllocation allocation, ByteBuf payload, InetSocketAddress peer, long now) {
        if (!allocation.admitToPeer(payload.readableBytes(), now)) {
            payload.release();
            server.counters().increment(ServerCounter.OVER_BANDWIDTH);
            return;
        }
        link.relay(allocation, payload, peer);
        server.counters().increment(ServerCounter.RELAYED_TO_PEER);
    }

    private void onStun(ByteBuf frame, int offset, int length, InetSocketAddress client) {
        if (message == null) {
            message = new StunMessage(server.validation().get());
        }
        StunValidation validation = message.wrap(frame, offset, length).validate();
        if (validation != StunValidation.VALID && validation != StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            server.counters().increment(ServerCounter.MALFORMED_STUN);
            return;
        }
        if (message.isIndication()) {
            // RFC 8656 §11.2: Send is the only indication a server takes; others are dropped silently.
            if (message.method() == StunMethod.SEND && validation == StunValidation.VALID) {
                onSend(client);
            } else {
                server.counters().increment(ServerCounter.MALFORMED_STUN);
            }
            return;
        }
        if (!message.isRequest()) {
            // A server sends no requests, so any response is unsolicited (RFC 8489 §6.3.3).
            server.counters().increment(ServerCounter.MALFORMED_STUN);
            return;
        }
        onRequest(client, validation);
    }

    private void onRequest(InetSocketAddress client, StunValidation validation) {
        int method = message.method();
        if (method == StunMethod.BINDING) {
            server.counters().increment(ServerCounter.BINDING_REQUESTS);
            if (validation == StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
                sendUnknownAttributes(client, null);
            } else {
                sendBindingSuccess(client);
            }
            return;
        }
        if (!isTurnRequest(method)) {
            // RFC 8489 §6.3.1: a request for a method the server does not know gets a 400.
            sendError(client, StunErrorCode.BAD_REQUEST, null);
            return;
        }
        RelayAllocation existing = link.allocation(client);
        if (existing != null) {
            ByteBuf cached = existing.cachedResponse(message.transactionIdHigh(), message.transactionIdLow());
            if (cached != null) {
                // RFC 8489 §6.3.4: a retransmitted request gets the very same response.
                link.write(cached.retainedDuplicate(), client);
                link.flush();
                return;
            }
        }
        // RFC 8489 §9.2.4: authentication comes before anything that changes state.
        AuthResult auth = server.authenticator().authenticate(message, client);
        switch (auth.outcome()) {
            case OK:
                break;
            case RATE_LIMITED:
                // Answered, not dropped: a client that gets no answer retransmits and hangs (RFC 8489 §6.2.1).
                server.counters().increment(ServerCounter.AUTH_RATE_LIMITED);
                sendChallenge(client, auth);
                return;
            case CHALLENGE:
            case STALE_NONCE:
                sendChallenge(client, auth);
                return;
            default:
                server.counters().increment(ServerCounter.AUTH_FAILURES);
                if (auth.outcome() == AuthResult.Outcome.UNAUTHORIZED) {
                    sendChallenge(client, auth);
                } else {
                    sendError(client, auth.errorCode(), auth.reason(), null);
                }
                return;
        }
        if (validation == StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            // RFC 8489 §6.3.1.1: after the authentication checks, unknown attributes get a 420.
            sendUnknownAttributes(client, auth);
            return;
        }
        if (method == StunMethod.ALLOCATE) {
            onAllocate(client, existing, auth);
            return;
        }
        if (existing == null) {
            sendError(client, StunErrorCode.ALLOCATION_MISMATCH, auth);
            return;
        }
        if (!existing.username().equals(auth.username())) {
            // RFC 8656 §5: later requests must use the credentials that created the allocation.
            sendError(client, StunErrorCode.WRONG_CREDENTIALS, auth);
            return;
        }
        switch (method) {
            case StunMethod.REFRESH -> onRefresh(client, existing, auth);
            case StunMethod.CREATE_PERMISSION -> onCreatePermission(client, existing, auth);
            case StunMethod.CHANNEL_BIND -> onChannelBind(client, existing, auth);
            default -> sendError(client, StunErrorCode.BAD_REQUEST, auth);
        }
    }

    private static boolean isTurnRequest(int method) {
        return method == StunMethod.ALLOCATE || method == StunMethod.REFRESH
                || method == StunMethod.CREATE_PERMISSION || method == StunMethod.CHANNEL_BIND;
    }

    // ---------------------------------------------------------------------------------------- Allocate

    /** RFC 8656 §7.2: receiving an Allocate request. */
    private void onAllocate(InetSocketAddress client, RelayAllocation existing, AuthResult auth) {
        if (existing != null) {
            sendError(client, StunErrorCode.ALLOCATION_MISMATCH, auth);
            return;
        }
        int transport = message.findAttribute(StunAttributeType.REQUESTED_TRANSPORT);
        if (transport < 0) {
            sendError(client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        if (StunAttributes.requestedTransport(message, transport) != StunAttributes.TRANSPORT_UDP) {
            sendError(client, StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, auth);
            return;
        }
        int evenPort = message.findAttribute(StunAttributeType.EVEN_PORT);
        int token = message.findAttribute(StunAttributeType.RESERVATION_TOKEN);
        int requestedFamily = message.findAttribute(StunAttributeType.REQUESTED_ADDRESS_FAMILY);
        int additionalFamily = message.findAttribute(StunAttributeType.ADDITIONAL_ADDRESS_FAMILY);
        // RFC 8656 §7.2: RESERVATION-TOKEN excludes EVEN-PORT and both address-family attributes, and
        // REQUESTED-ADDRESS-FAMILY excludes ADDITIONAL-ADDRESS-FAMILY.
        if (token >= 0 && (evenPort >= 0 || requestedFamily >= 0 || additionalFamily >= 0)
                || requestedFamily >= 0 && additionalFamily >= 0) {
            sendError(client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        int family = AddressAttribute.FAMILY_IPV4;
        if (requestedFamily >= 0) {
            family = StunAttributes.addressFamily(message, requestedFamily);
            if (family != AddressAttribute.FAMILY_IPV4 && family != AddressAttribute.FAMILY_IPV6) {
                sendError(client, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, auth);
                return;
            }
        }
        if (additionalFamily >= 0 && StunAttributes.addressFamily(message, additionalFamily) != AddressAttribute.FAMILY_IPV6) {
            sendError(client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        InetAddress relayIp = server.relayAddresses().relayAddress(family, link.localAddress());
        if (relayIp == null) {
            sendError(client, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, auth);
            return;
        }
        Quotas.Verdict quota = server.relays().quotas().acquire(auth.username());
        if (quota != Quotas.Verdict.GRANTED) {
            sendError(client, StunErrorCode.ALLOCATION_QUOTA_REACHED, auth);
            return;
        }
        int port;
        if (token >= 0) {
            port = server.relays().reservations().claim(StunAttributes.reservationToken(message, token), System.nanoTime());
        } else if (evenPort >= 0) {
            port = StunAttributes.evenPortReserve(message, evenPort)
                    ? server.relays().ports().acquireEvenPair() : server.relays().ports().acquireEven();
        } else {
            port = server.relays().ports().acquire();
        }
        if (port < 0) {
            server.relays().quotas().release(auth.username());
            sendError(client, StunErrorCode.INSUFFICIENT_CAPACITY, auth);
            return;
        }
        PendingAllocate pending = new PendingAllocate(client, auth, relayIp, port,
                evenPort >= 0 && StunAttributes.evenPortReserve(message, evenPort),
                token < 0 && evenPort < 0, additionalFamily >= 0, lifetimeSeconds(), transactionId(),
                message.transactionIdHigh(), message.transactionIdLow(), hasFingerprint());
        bindRelay(pending, 1);
    }

    /** What an Allocate needs once its relay socket is bound: the request buffer is gone by then. */
    private record PendingAllocate(InetSocketAddress client, AuthResult auth, InetAddress relayIp, int port,
            boolean reserveNext, boolean anyPort, boolean additionalFamilyRefused, long lifetimeSeconds,
            byte[] transactionId, long transactionIdHigh, int transactionIdLow, boolean fingerprint) {
        PendingAllocate withPort(int newPort) {
            return new PendingAllocate(client, auth, relayIp, newPort, reserveNext, anyPort,
                    additionalFamilyRefused, lifetimeSeconds, transactionId, transactionIdHigh, transactionIdLow,
                    fingerprint);
        }
    }

    /**
     * The allocation is made before its relay socket is bound, so that the socket hands what peers send it to
     * the allocation from the first datagram on (none gets through before a permission exists, RFC 8656 §9).
     */
    private void bindRelay(PendingAllocate pending, int attempt) {
        InetSocketAddress relayed = new InetSocketAddress(pending.relayIp, pending.port);
        RelayAllocation allocation = new RelayAllocation(FiveTuple.of(link.transport(), pending.client,
                link.localAddress()), pending.auth.username(), settings.realm(), relayed, pending.port, link,
                seconds(pending.lifetimeSeconds), System.nanoTime(), seconds(settings.permissionLifetimeSeconds()),
                seconds(settings.channelLifetimeSeconds()), settings.maxBps());
        PeerDataHandler fromPeers = new PeerDataHandler(server.counters(), allocation);
        Future<UdpSocket> bound = server.relays().bind(link.eventLoop(), relayed, fromPeers);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                onRelayBound(pending, allocation, bound.getNow(), fromPeers);
                return;
            }
            server.relays().ports().release(pending.port);
            int next = pending.anyPort && attempt < BIND_ATTEMPTS ? server.relays().ports().acquire() : -1;
            if (next >= 0) {
                bindRelay(pending.withPort(next), attempt + 1);
                return;
            }
            if (pending.reserveNext) {
                server.relays().ports().release(pending.port + 1);
            }
            server.relays().quotas().release(pending.auth.username());
            ByteBuf response = startResponse(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, pending.transactionId);
            encoder.addErrorCode(StunErrorCode.INSUFFICIENT_CAPACITY, StunErrorCode.reason(StunErrorCode.INSUFFICIENT_CAPACITY));
            finishAndSend(response, pending.client, pending.auth, pending.fingerprint, false);
        });
    }

    private void onRelayBound(PendingAllocate pending, RelayAllocation allocation, UdpSocket relay,
            PeerDataHandler fromPeers) {
        if (link.allocation(pending.client) != null) {
            // A retransmitted Allocate raced this one and won: its answer stands, this socket goes.
            relay.close().addListener(f -> server.relays().releasePorts(pending.port, pending.reserveNext));
            server.relays().quotas().release(pending.auth.username());
            return;
        }
        long now = System.nanoTime();
        InetSocketAddress relayed = allocation.relayedAddress();
        FiveTuple fiveTuple = allocation.fiveTuple();
        server.relays().relayThrough(allocation, relay, fromPeers);
        link.add(allocation);
        server.counters().increment(ServerCounter.ALLOCATIONS_CREATED);
        if (LOG.isDebugEnabled()) {
            LOG.debug("allocated {} for {} ({}, {} s)", TransportAddresses.format(relayed), fiveTuple,
                    allocation.username(), pending.lifetimeSeconds);
        }

        ByteBuf response = startResponse(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE, pending.transactionId);
        encoder.addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, server.relayAddresses().advertised(relayed));
        encoder.addUint32(StunAttributeType.LIFETIME, pending.lifetimeSeconds);
        if (pending.reserveNext) {
            // RFC 8656 §7.2: R=1 keeps the next port for a later Allocate that presents this token.
            encoder.addReservationToken(server.relays().reservations().reserve(pending.port + 1, now));
        }
        if (pending.additionalFamilyRefused) {
            // RFC 8656 §7.2: the IPv4 allocation stands; the IPv6 one is refused with 440 in ADDRESS-ERROR-CODE.
            encoder.addAddressErrorCode(AddressAttribute.FAMILY_IPV6, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED,
                    StunErrorCode.reason(StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED));
        }
        encoder.addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, pending.client);
        allocation.rememberResponse(pending.transactionIdHigh, pending.transactionIdLow,
                finishAndSend(response, pending.client, pending.auth, pending.fingerprint, true));
    }

    /** RFC 8656 §7.2: the requested LIFETIME, at most the configured maximum, never below the 600 s default. */
    private long lifetimeSeconds() {
        int lifetime = message.findAttribute(StunAttributeType.LIFETIME);
        long requested = lifetime < 0 ? TurnSettings.DEFAULT_ALLOCATION_LIFETIME_SECONDS
                : StunAttributes.uint32(message, lifetime);
        long granted = Math.min(requested, settings.maxAllocateLifetimeSeconds());
        return Math.max(granted, Math.min(TurnSettings.DEFAULT_ALLOCATION_LIFETIME_SECONDS,
                settings.maxAllocateLifetimeSeconds()));
    }

    // ---------------------------------------------------------------------------------------- Refresh

    /** RFC 8656 §8.2: receiving a Refresh request; LIFETIME 0 deletes the allocation. */
    private void onRefresh(InetSocketAddress client, RelayAllocation allocation, AuthResult auth) {
        int requestedFamily = message.findAttribute(StunAttributeType.REQUESTED_ADDRESS_FAMILY);
        if (requestedFamily >= 0 && StunAttributes.addressFamily(message, requestedFamily)
                != AddressAttribute.familyOf(allocation.relayedAddress().getAddress())) {
            sendError(client, StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, auth);
            return;
        }
        int lifetimeAttribute = message.findAttribute(StunAttributeType.LIFETIME);
        boolean delete = lifetimeAttribute >= 0 && StunAttributes.uint32(message, lifetimeAttribute) == 0;
        long lifetime = delete ? 0 : lifetimeSeconds();
        ByteBuf response = startResponse(StunMethod.REFRESH, StunClass.SUCCESS_RESPONSE, null);
        encoder.addUint32(StunAttributeType.LIFETIME, lifetime);
        ByteBuf sent = finishAndSend(response, client, auth, hasFingerprint(), !delete);
        if (delete) {
            link.remove(allocation);
            server.relays().release(allocation, ServerCounter.ALLOCATIONS_DELETED);
        } else {
            allocation.refresh(seconds(lifetime), System.nanoTime());
            allocation.rememberResponse(message.transactionIdHigh(), message.transactionIdLow(), sent);
        }
    }

    // ------------------------------------------------------------------------------ CreatePermission

    /** RFC 8656 §10.2: every XOR-PEER-ADDRESS must pass before any permission is installed. */
    private void onCreatePermission(InetSocketAddress client, RelayAllocation allocation, AuthResult auth) {
        int peers = 0;
        attributes.reset(message);
        while (attributes.next()) {
            if (attributes.type() != StunAttributeType.XOR_PEER_ADDRESS) {
                continue;
            }
            int error = checkPeer(allocation, attributes.attributeOffset());
            if (error != 0) {
                sendError(client, error, auth);
                return;
            }
            peers++;
        }
        if (peers == 0) {
            sendError(client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        long now = System.nanoTime();
        attributes.reset(message);
        while (attributes.next()) {
            if (attributes.type() == StunAttributeType.XOR_PEER_ADDRESS) {
                allocation.installPermission(
                        address.wrap(message, attributes.attributeOffset()).toSocketAddress().getAddress(), now);
            }
        }
        rememberAndSend(client, allocation, auth, StunMethod.CREATE_PERMISSION);
    }

    // ----------------------------------------------------------------------------------- ChannelBind

    /** RFC 8656 §12.2: receiving a ChannelBind request. */
    private void onChannelBind(InetSocketAddress client, RelayAllocation allocation, AuthResult auth) {
        int number = message.findAttribute(StunAttributeType.CHANNEL_NUMBER);
        int peer = message.findAttribute(StunAttributeType.XOR_PEER_ADDRESS);
        if (number < 0 || peer < 0
                || !ChannelData.isChannelNumber(StunAttributes.channelNumber(message, number))) {
            sendError(client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        int error = checkPeer(allocation, peer);
        if (error != 0) {
            sendError(client, error, auth);
            return;
        }
        InetSocketAddress peerAddress = address.wrap(message, peer).toSocketAddress();
        ChannelBindResult result = allocation.bindChannel(StunAttributes.channelNumber(message, number),
                peerAddress, System.nanoTime());
        if (result == ChannelBindResult.CONFLICT) {
            sendError(client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        rememberAndSend(client, allocation, auth, StunMethod.CHANNEL_BIND);
    }

    /** 0 when the XOR-PEER-ADDRESS at {@code attribute} may get a permission, else the error code. */
    private int checkPeer(RelayAllocation allocation, int attribute) {
        if (!address.wrap(message, attribute).isValid()) {
            return StunErrorCode.BAD_REQUEST;
        }
        // RFC 8656 §10.2/§12.2: a peer of the other address family than the relayed address gets 443.
        if (address.family() != AddressAttribute.familyOf(allocation.relayedAddress().getAddress())) {
            return StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH;
        }
        if (!server.peerPolicy().isAllowed(address.toSocketAddress().getAddress())) {
            server.counters().increment(ServerCounter.PEER_DENIED);
            return StunErrorCode.FORBIDDEN;
        }
        return 0;
    }

    private void rememberAndSend(InetSocketAddress client, RelayAllocation allocation, AuthResult auth, int method) {
        ByteBuf response = startResponse(method, StunClass.SUCCESS_RESPONSE, null);
        allocation.rememberResponse(message.transactionIdHigh(), message.transactionIdLow(),
                finishAndSend(response, client, auth, hasFingerprint(), true));
    }

    // ---------------------------------------------------------------------------------------- Send

    /** RFC 8656 §11.2: a Send indication; anything wrong drops it silently (indications get no reply). */
    private void onSend(InetSocketAddress client) {
        RelayAllocation allocation = link.allocation(client);
        if (allocation == null) {
            server.counters().increment(ServerCounter.NO_ALLOCATION);
            return;
        }
        int peer = message.findAttribute(StunAttributeType.XOR_PEER_ADDRESS);
        int data = message.findAttribute(StunAttributeType.DATA);
        if (peer < 0 || data < 0 || !address.wrap(message, peer).isValid()) {
            server.counters().increment(ServerCounter.MALFORMED_STUN);
            return;
        }
        InetSocketAddress peerAddress = address.toSocketAddress();
        if (!server.peerPolicy().isAllowed(peerAddress.getAddress())) {
            server.counters().increment(ServerCounter.PEER_DENIED);
            return;
        }
        long now = System.nanoTime();
        if (!allocation.hasPermission(peerAddress.getAddress(), now)) {
            server.counters().increment(ServerCounter.NO_PERMISSION);
            return;
        }
        relayToPeer(allocation, message.buffer().retainedSlice(StunAttributes.valueOffset(data),
                StunAttributes.valueLength(message, data)), peerAddress, now);
    }

    // ---------------------------------------------------------------------------------------- Binding

    /** RFC 8489 §7.3: XOR-MAPPED-ADDRESS and nothing more, so a reply is no bigger than it must be. */
    private void sendBindingSuccess(InetSocketAddress client) {
        ByteBuf response = startResponse(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, null);
        encoder.addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, client);
        finishAndSend(response, client, null, hasFingerprint(), false);
    }

    // ---------------------------------------------------------------------------------------- Responses

    private void sendChallenge(InetSocketAddress client, AuthResult auth) {
        ByteBuf response = startResponse(message.method(), StunClass.ERROR_RESPONSE, null);
        encoder.addErrorCode(auth.errorCode(), auth.reason());
        auth.writeChallenge(encoder);
        // A 438 to a request whose integrity verified is signed too; a refused one has no key to sign with.
        finishAndSend(response, client, auth, hasFingerprint(), false);
    }

    private void sendUnknownAttributes(InetSocketAddress client, AuthResult auth) {
        ByteBuf response = startResponse(message.method(), StunClass.ERROR_RESPONSE, null);
        encoder.addErrorCode(StunErrorCode.UNKNOWN_ATTRIBUTE, StunErrorCode.reason(StunErrorCode.UNKNOWN_ATTRIBUTE));
        encoder.addUnknownAttributes(message);
        finishAndSend(response, client, auth, hasFingerprint(), false);
    }

    private void sendError(InetSocketAddress client, int code, AuthResult auth) {
        sendError(client, code, StunErrorCode.reason(code), auth);
    }

    private void sendError(InetSocketAddress client, int code, String reason, AuthResult auth) {
        ByteBuf response = startResponse(message.method(), StunClass.ERROR_RESPONSE, null);
        encoder.addErrorCode(code, reason);
        finishAndSend(response, client, auth, hasFingerprint(), false);
    }

    /** Starts a response to the current request, or to {@code transactionId} when it is not null. */
    private ByteBuf startResponse(int method, int stunClass, byte[] transactionId) {
        ByteBuf out = Transports.ALLOCATOR.directBuffer(256);
        encoder.wrap(out);
        if (transactionId == null) {
            encoder.header(StunMessageType.of(method, stunClass), message);
        } else {
            encoder.header(StunMessageType.of(method, stunClass), transactionId);
        }
        return out;
    }

    /**
     * SOFTWARE only when the operator asked for it; integrity on every response to an authenticated request
     * (RFC 8489 §9.2.4); FINGERPRINT when the request had one (RFC 8489 §14.7). With {@code keep} the caller
     * gets the response back and owns it (to answer a retransmission with it); else null.
     */
    private ByteBuf finishAndSend(ByteBuf response, InetSocketAddress client, AuthResult auth, boolean fingerprint,
            boolean keep) {
        if (settings.software() != null) {
            encoder.addString(StunAttributeType.SOFTWARE, settings.software());
        }
        if (auth != null) {
            auth.writeIntegrity(encoder);
        }
        if (fingerprint) {
            encoder.addFingerprint();
        }
        encoder.finish();
        link.write(keep ? response.retainedDuplicate() : response, client);
        link.flush();
        return keep ? response : null;
    }

    private boolean hasFingerprint() {
        return message.findAttribute(StunAttributeType.FINGERPRINT) >= 0;
    }

    private byte[] transactionId() {
        byte[] id = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        message.copyTransactionId(id);
        return id;
    }

    private static long seconds(long seconds) {
        return java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    }
}
