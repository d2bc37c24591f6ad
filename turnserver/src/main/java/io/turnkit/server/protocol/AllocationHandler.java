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
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.relay.AllocationEnd;
import io.turnkit.server.relay.AllocationLog;
import io.turnkit.server.relay.PeerDataHandler;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.relay.RelayResources;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.store.FiveTuple;
import io.turnkit.store.Quotas;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMethod;

/**
 * Allocate (RFC 8656 §7.2) and Refresh (RFC 8656 §8.2) requests of an authenticated client: an allocation
 * made, with its relay socket bound on the client link's event loop, kept alive, or deleted.
 */
final class AllocationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AllocationHandler.class);
    /** A relay port can be taken by another process between the pool handing it out and the bind. */
    private static final int BIND_ATTEMPTS = 8;

    private final ClientLink link;
    private final ResponseWriter responses;
    private final LiveSettings settings;
    private final AllocationAdmission admission;
    private final RelayResources relays;
    private final RelayAddresses relayAddresses;
    private final ServerCounters counters;
    private final RefusalLog refusals;

    AllocationHandler(ClientLink link, ResponseWriter responses, TurnServices server) {
        this.link = link;
        this.responses = responses;
        this.settings = server.settings();
        this.admission = server.admission();
        this.relays = server.relays();
        this.relayAddresses = server.relayAddresses();
        this.counters = server.counters();
        this.refusals = server.refusals();
    }

    /** RFC 8656 §7.2: receiving an Allocate request. */
    void onAllocate(StunMessage request, InetSocketAddress client, RelayAllocation existing, AuthResult auth) {
        if (existing != null) {
            responses.error(request, client, StunErrorCode.ALLOCATION_MISMATCH, auth);
            return;
        }
        int refusal = admission.refusal();
        if (refusal != AllocationAdmission.ADMITTED) {
            refusals.log(RefusalLog.Kind.DRAINING, "{} allocation refused (draining): user {}, client {}", refusal,
                    auth.username(), TransportAddresses.format(client));
            responses.error(request, client, refusal, auth);
            return;
        }
        TurnSettings settings = this.settings.get();
        int transport = request.findAttribute(StunAttributeType.REQUESTED_TRANSPORT);
        if (transport < 0) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        // RFC 8656 §7.2: 442 for a transport the server does not relay; UDP is the only one, unless turned off.
        if (StunAttributes.requestedTransport(request, transport) != StunAttributes.TRANSPORT_UDP
                || !settings.udpRelay()) {
            responses.error(request, client, StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, auth);
            return;
        }
        int evenPort = request.findAttribute(StunAttributeType.EVEN_PORT);
        int token = request.findAttribute(StunAttributeType.RESERVATION_TOKEN);
        int requestedFamily = request.findAttribute(StunAttributeType.REQUESTED_ADDRESS_FAMILY);
        int additionalFamily = request.findAttribute(StunAttributeType.ADDITIONAL_ADDRESS_FAMILY);
        // RFC 8656 §7.2: RESERVATION-TOKEN excludes EVEN-PORT and both address-family attributes, and
        // REQUESTED-ADDRESS-FAMILY excludes ADDITIONAL-ADDRESS-FAMILY.
        if (token >= 0 && (evenPort >= 0 || requestedFamily >= 0 || additionalFamily >= 0)
                || requestedFamily >= 0 && additionalFamily >= 0) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        InetAddress relayIp;
        if (token >= 0) {
            // RFC 8656 §7.2: the token stands for a relayed address reserved earlier; its family is that
            // address's, not a default for the family the client came over.
            relayIp = relays.reservations().relayAddress(StunAttributes.reservationToken(request, token));
            if (relayIp == null) {
                responses.error(request, client, StunErrorCode.INSUFFICIENT_CAPACITY, auth);
                return;
            }
        } else {
            // RFC 8656 §7.2: with ADDITIONAL-ADDRESS-FAMILY (IPv6), the first relayed address is IPv4.
            int family = additionalFamily >= 0 ? AddressAttribute.FAMILY_IPV4
                    : relayAddresses.defaultFamily(link.localAddress());
            if (requestedFamily >= 0) {
                family = StunAttributes.addressFamily(request, requestedFamily);
                if (family != AddressAttribute.FAMILY_IPV4 && family != AddressAttribute.FAMILY_IPV6) {
                    responses.error(request, client, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, auth);
                    return;
                }
            }
            if (additionalFamily >= 0
                    && StunAttributes.addressFamily(request, additionalFamily) != AddressAttribute.FAMILY_IPV6) {
                responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
                return;
            }
            relayIp = relayAddresses.relayAddress(family, link.localAddress());
            if (relayIp == null) {
                responses.error(request, client, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, auth);
                return;
            }
        }
        Quotas.Verdict quota = relays.quotas().acquire(auth.username());
        if (quota != Quotas.Verdict.GRANTED) {
            refusals.log(RefusalLog.Kind.QUOTA, "486 allocation refused ({}): user {}, client {}", quota,
                    auth.username(), TransportAddresses.format(client));
            responses.error(request, client, StunErrorCode.ALLOCATION_QUOTA_REACHED, auth);
            return;
        }
        boolean reserveNext = evenPort >= 0 && StunAttributes.evenPortReserve(request, evenPort);
        int port;
        if (token >= 0) {
            port = relays.reservations().claim(StunAttributes.reservationToken(request, token), System.nanoTime());
        } else if (evenPort >= 0) {
            port = reserveNext ? relays.ports().acquireEvenPair() : relays.ports().acquireEven();
        } else {
            port = relays.ports().acquire();
        }
        if (port < 0) {
            relays.quotas().release(auth.username());
            responses.error(request, client, StunErrorCode.INSUFFICIENT_CAPACITY, auth);
            return;
        }
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        request.copyTransactionId(transactionId);
        bindRelay(new PendingAllocate(client, auth, relayIp, port, reserveNext, token < 0 && evenPort < 0,
                additionalFamily >= 0, lifetimeSeconds(request, settings), transactionId, request.transactionIdHigh(),
                request.transactionIdLow(), ResponseWriter.hasFingerprint(request), settings), 1);
    }

    /** What an Allocate needs once its relay socket is bound: the request buffer is gone by then. */
    private record PendingAllocate(InetSocketAddress client, AuthResult auth, InetAddress relayIp, int port,
            boolean reserveNext, boolean anyPort, boolean additionalFamilyRefused, long lifetimeSeconds,
            byte[] transactionId, long transactionIdHigh, int transactionIdLow, boolean fingerprint,
            TurnSettings settings) {
        PendingAllocate withPort(int newPort) {
            return new PendingAllocate(client, auth, relayIp, newPort, reserveNext, anyPort,
                    additionalFamilyRefused, lifetimeSeconds, transactionId, transactionIdHigh, transactionIdLow,
                    fingerprint, settings);
        }
    }

    /**
     * The allocation is made before its relay socket is bound, so that the socket hands what peers send it to
     * the allocation from the first datagram on (none gets through before a permission exists, RFC 8656 §9).
     */
    private void bindRelay(PendingAllocate pending, int attempt) {
        InetSocketAddress relayed = new InetSocketAddress(pending.relayIp, pending.port);
        TurnSettings settings = pending.settings;
        RelayAllocation allocation = new RelayAllocation(FiveTuple.of(link.transport(), pending.client,
                link.localAddress()), pending.auth.username(), settings.realm(), relayed, pending.port, link,
                seconds(pending.lifetimeSeconds), System.nanoTime(), seconds(settings.permissionLifetimeSeconds()),
                seconds(settings.channelLifetimeSeconds()), settings.maxBps());
        PeerDataHandler fromPeers = new PeerDataHandler(counters, allocation);
        Future<UdpSocket> bound = relays.bind(link.eventLoop(), relayed, fromPeers);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                onRelayBound(pending, allocation, bound.getNow(), fromPeers);
                return;
            }
            relays.ports().release(pending.port);
            int next = pending.anyPort && attempt < BIND_ATTEMPTS ? relays.ports().acquire() : -1;
            if (next >= 0) {
                bindRelay(pending.withPort(next), attempt + 1);
                return;
            }
            if (pending.reserveNext) {
                relays.ports().release(pending.port + 1);
            }
            relays.quotas().release(pending.auth.username());
            ByteBuf response = responses.start(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, pending.transactionId);
            responses.encoder().addErrorCode(StunErrorCode.INSUFFICIENT_CAPACITY,
                    StunErrorCode.reason(StunErrorCode.INSUFFICIENT_CAPACITY));
            responses.finishAndSend(response, pending.client, pending.auth, pending.fingerprint, false);
        });
    }

    private void onRelayBound(PendingAllocate pending, RelayAllocation allocation, UdpSocket relay,
            PeerDataHandler fromPeers) {
        if (link.allocation(pending.client) != null) {
            // A retransmitted Allocate raced this one and won: its answer stands, this socket goes.
            relay.close().addListener(f -> relays.releasePorts(pending.port, pending.reserveNext));
            relays.quotas().release(pending.auth.username());
            return;
        }
        long now = System.nanoTime();
        InetSocketAddress relayed = allocation.relayedAddress();
        relays.relayThrough(allocation, relay, fromPeers);
        link.add(allocation);
        counters.increment(ServerCounter.ALLOCATIONS_CREATED);
        AllocationLog.created(allocation, pending.lifetimeSeconds);

        ByteBuf response = responses.start(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE, pending.transactionId);
        StunMessageEncoder encoder = responses.encoder();
        encoder.addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, relayAddresses.advertised(relayed));
        encoder.addUint32(StunAttributeType.LIFETIME, pending.lifetimeSeconds);
        if (pending.reserveNext) {
            // RFC 8656 §7.2: R=1 keeps the next port for a later Allocate that presents this token.
            encoder.addReservationToken(relays.reservations().reserve(pending.port + 1, pending.relayIp, now));
        }
        if (pending.additionalFamilyRefused) {
            // RFC 8656 §7.2: the IPv4 allocation stands; the IPv6 one is refused with 440 in ADDRESS-ERROR-CODE.
            encoder.addAddressErrorCode(AddressAttribute.FAMILY_IPV6, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED,
                    StunErrorCode.reason(StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED));
        }
        encoder.addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, pending.client);
        allocation.rememberResponse(pending.transactionIdHigh, pending.transactionIdLow,
                responses.finishAndSend(response, pending.client, pending.auth, pending.fingerprint, true));
    }

    /** RFC 8656 §8.2: receiving a Refresh request; LIFETIME 0 deletes the allocation. */
    void onRefresh(StunMessage request, InetSocketAddress client, RelayAllocation allocation, AuthResult auth) {
        int requestedFamily = request.findAttribute(StunAttributeType.REQUESTED_ADDRESS_FAMILY);
        if (requestedFamily >= 0 && StunAttributes.addressFamily(request, requestedFamily)
                != AddressAttribute.familyOf(allocation.relayedAddress().getAddress())) {
            responses.error(request, client, StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, auth);
            return;
        }
        int lifetimeAttribute = request.findAttribute(StunAttributeType.LIFETIME);
        boolean delete = lifetimeAttribute >= 0 && StunAttributes.uint32(request, lifetimeAttribute) == 0;
        long lifetime = delete ? 0 : lifetimeSeconds(request, settings.get());
        if (LOG.isDebugEnabled()) {
            LOG.debug("Refresh of {} by {}: lifetime {} s", TransportAddresses.format(allocation.relayedAddress()),
                    TransportAddresses.format(client), lifetime);
        }
        ByteBuf response = responses.start(request, StunClass.SUCCESS_RESPONSE);
        responses.encoder().addUint32(StunAttributeType.LIFETIME, lifetime);
        ByteBuf sent = responses.finishAndSend(response, client, auth, ResponseWriter.hasFingerprint(request), !delete);
        if (delete) {
            link.remove(allocation);
            relays.release(allocation, AllocationEnd.DELETED);
        } else {
            allocation.refresh(seconds(lifetime), System.nanoTime());
            allocation.rememberResponse(request.transactionIdHigh(), request.transactionIdLow(), sent);
        }
    }

    /** RFC 8656 §7.2: the requested LIFETIME, at most the configured maximum, never below the 600 s default. */
    private static long lifetimeSeconds(StunMessage request, TurnSettings settings) {
        int lifetime = request.findAttribute(StunAttributeType.LIFETIME);
        long requested = lifetime < 0 ? TurnSettings.DEFAULT_ALLOCATION_LIFETIME_SECONDS
                : StunAttributes.uint32(request, lifetime);
        long granted = Math.min(requested, settings.maxAllocateLifetimeSeconds());
        return Math.max(granted, Math.min(TurnSettings.DEFAULT_ALLOCATION_LIFETIME_SECONDS,
                settings.maxAllocateLifetimeSeconds()));
    }

    private static long seconds(long seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }
}
