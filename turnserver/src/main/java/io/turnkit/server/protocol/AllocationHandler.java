package io.turnkit.server.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
import io.turnkit.server.relay.BoundRelay;
import io.turnkit.server.relay.ClusterQuotas;
import io.turnkit.server.relay.PeerDataHandler;
import io.turnkit.server.relay.PortChoice;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.relay.RelayResources;
import io.turnkit.server.relay.TcpRelay;
import io.turnkit.server.transport.TransportAddresses;
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
    /** RFC 8656 §7.2: with ADDITIONAL-ADDRESS-FAMILY, an IPv4 relayed address first, then an IPv6 one. */
    private static final int[] DUAL_FAMILIES = {AddressAttribute.FAMILY_IPV4, AddressAttribute.FAMILY_IPV6};

    private final ClientLink link;
    private final ResponseWriter responses;
    private final LiveSettings settings;
    private final AllocationAdmission admission;
    private final RelayResources relays;
    private final RelayAddresses relayAddresses;
    private final ServerCounters counters;
    private final RefusalLog refusals;
    private final AllocateRedirect redirect;

    AllocationHandler(ClientLink link, ResponseWriter responses, TurnServices server) {
        this.link = link;
        this.responses = responses;
        this.settings = server.settings();
        this.admission = server.admission();
        this.relays = server.relays();
        this.relayAddresses = server.relayAddresses();
        this.counters = server.counters();
        this.refusals = server.refusals();
        this.redirect = server.redirect();
    }

    /** RFC 8656 §7.2: receiving an Allocate request. */
    void onAllocate(StunMessage request, InetSocketAddress client, RelayAllocation existing, AuthResult auth) {
        if (existing != null) {
            responses.error(request, client, StunErrorCode.ALLOCATION_MISMATCH, auth);
            return;
        }
        // RFC 8656 §7.2: a RESERVATION-TOKEN stands for a port held on this server; only here can it be claimed.
        InetSocketAddress alternate = request.findAttribute(StunAttributeType.RESERVATION_TOKEN) >= 0 ? null
                : redirect.alternateServer(link.transport(), client);
        if (alternate != null) {
            counters.increment(ServerCounter.ALLOCATIONS_REDIRECTED);
            responses.tryAlternate(request, client, alternate, auth);
            return;
        }
        // After the redirect: a draining server with an alternate sends clients there, and refuses them without.
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
        int requested = StunAttributes.requestedTransport(request, transport);
        boolean tcp = requested == StunAttributes.TRANSPORT_TCP;
        // RFC 8656 §7.2, RFC 6062 §5.1: 442 for a transport the server does not relay, or was told not to.
        if (tcp ? !settings.tcpRelay() : requested != StunAttributes.TRANSPORT_UDP || !settings.udpRelay()) {
            responses.error(request, client, StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, auth);
            return;
        }
        int evenPort = request.findAttribute(StunAttributeType.EVEN_PORT);
        int token = request.findAttribute(StunAttributeType.RESERVATION_TOKEN);
        // RFC 6062 §5.1: a TCP relay only for a client over TCP or TLS, and without the UDP-only attributes.
        if (tcp && (!link.isStream() || evenPort >= 0 || token >= 0
                || request.findAttribute(StunAttributeType.DONT_FRAGMENT) >= 0)) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        int requestedFamily = request.findAttribute(StunAttributeType.REQUESTED_ADDRESS_FAMILY);
        int additionalFamily = request.findAttribute(StunAttributeType.ADDITIONAL_ADDRESS_FAMILY);
        // coturn's clients ask with the code of RFC 8656's drafts, and read ADDRESS-ERROR-CODE by theirs too.
        int legacyFamily = request.findAttribute(StunAttributeType.LEGACY_ADDITIONAL_ADDRESS_FAMILY);
        int addressErrorCode = additionalFamily >= 0 ? StunAttributeType.ADDRESS_ERROR_CODE
                : legacyFamily >= 0 ? StunAttributeType.LEGACY_ADDRESS_ERROR_CODE : 0;
        additionalFamily = additionalFamily >= 0 ? additionalFamily : legacyFamily;
        // RFC 6062 §5.1: a TCP allocation has one relayed address, so no ADDITIONAL-ADDRESS-FAMILY.
        if (tcp && additionalFamily >= 0) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        boolean reserveNext = evenPort >= 0 && StunAttributes.evenPortReserve(request, evenPort);
        // RFC 8656 §7.2: RESERVATION-TOKEN excludes EVEN-PORT and both address-family attributes,
        // REQUESTED-ADDRESS-FAMILY excludes ADDITIONAL-ADDRESS-FAMILY, and so does EVEN-PORT with R=1 (one port
        // kept, two relayed addresses); ADDITIONAL-ADDRESS-FAMILY can only ask for IPv6.
        if (token >= 0 && (evenPort >= 0 || requestedFamily >= 0 || additionalFamily >= 0)
                || additionalFamily >= 0 && (requestedFamily >= 0 || reserveNext
                        || StunAttributes.addressFamily(request, additionalFamily) != AddressAttribute.FAMILY_IPV6)) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        List<InetAddress> relayIps = new ArrayList<>(2);
        int unservedFamily = 0;
        if (token >= 0) {
            // RFC 8656 §7.2: the token stands for a relayed address reserved earlier; its family is that
            // address's, not a default for the family the client came over.
            InetAddress reserved = relays.reservations().relayAddress(StunAttributes.reservationToken(request, token));
            if (reserved == null) {
                responses.error(request, client, StunErrorCode.INSUFFICIENT_CAPACITY, auth);
                return;
            }
            relayIps.add(reserved);
        } else if (additionalFamily >= 0) {
            // RFC 8656 §7.2: an IPv4 and an IPv6 relayed address. A family the server has no relay address of is
            // refused in ADDRESS-ERROR-CODE while the other is granted; the request fails only when neither is.
            for (int family : DUAL_FAMILIES) {
                InetAddress ip = relayAddresses.relayAddress(family, link.localAddress());
                if (ip != null) {
                    relayIps.add(ip);
                } else {
                    unservedFamily = family;
                }
            }
        } else {
            int family = relayAddresses.defaultFamily(link.localAddress());
            if (requestedFamily >= 0) {
                family = StunAttributes.addressFamily(request, requestedFamily);
                if (family != AddressAttribute.FAMILY_IPV4 && family != AddressAttribute.FAMILY_IPV6) {
                    responses.error(request, client, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, auth);
                    return;
                }
            }
            InetAddress ip = relayAddresses.relayAddress(family, link.localAddress());
            if (ip != null) {
                relayIps.add(ip);
            }
        }
        if (relayIps.isEmpty()) {
            responses.error(request, client, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, auth);
            return;
        }
        // RFC 8656 §7.2: a dual allocation is one allocation, and takes one place in the quotas.
        Quotas.Verdict quota = relays.quotas().acquire(auth.username());
        if (quota != Quotas.Verdict.GRANTED) {
            counters.increment(quota == Quotas.Verdict.USER_QUOTA_EXCEEDED ? ServerCounter.USER_QUOTA_REFUSED
                    : ServerCounter.TOTAL_QUOTA_REFUSED);
            refusals.log(RefusalLog.Kind.QUOTA, "486 allocation refused ({}): user {}, client {}", quota,
                    auth.username(), TransportAddresses.format(client));
            responses.error(request, client, StunErrorCode.ALLOCATION_QUOTA_REACHED, auth);
            return;
        }
        PortChoice choice = token >= 0 ? PortChoice.RESERVED : reserveNext ? PortChoice.EVEN_PAIR
                : evenPort >= 0 ? PortChoice.EVEN : PortChoice.ANY;
        int reservedPort = token >= 0
                ? relays.reservations().claim(StunAttributes.reservationToken(request, token), System.nanoTime()) : -1;
        PendingAllocate pending = new PendingAllocate(request, client, auth, relayIps, choice, reservedPort,
                addressErrorCode, lifetimeSeconds(request, settings), settings, tcp);
        if (unservedFamily != 0) {
            pending.refuse(unservedFamily, StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
        }
        CompletableFuture<Boolean> clusterQuota = relays.clusterQuotas().acquire(auth.username());
        if (clusterQuota == ClusterQuotas.GRANTED) {
            relay(pending);
        } else {
            // The cluster's count answers later, on another thread: the Allocate goes on on its own event loop.
            clusterQuota.whenComplete((granted, failure) -> link.eventLoop().execute(() -> {
                if (Boolean.TRUE.equals(granted)) {
                    relay(pending);
                } else {
                    refuseClusterQuota(pending);
                }
            }));
        }
    }

    /** Binds the relay of an Allocate past every check. */
    private void relay(PendingAllocate pending) {
        if (pending.tcp) {
            listen(pending);
        } else {
            bindNext(pending);
        }
    }

    /** 486: the user holds as many allocations as --user-quota allows on the nodes of the cluster together. */
    private void refuseClusterQuota(PendingAllocate pending) {
        relays.quotas().release(pending.auth.username());
        if (pending.reservedPort >= 0) {
            relays.ports().release(pending.reservedPort);
        }
        counters.increment(ServerCounter.CLUSTER_QUOTA_REFUSED);
        refusals.log(RefusalLog.Kind.QUOTA, "486 allocation refused (cluster user quota): user {}, client {}",
                pending.auth.username(), TransportAddresses.format(pending.client));
        refuse(pending, StunErrorCode.ALLOCATION_QUOTA_REACHED);
    }

    /** The allocation a relay on {@code relayed} serves, made before its relay socket exists. */
    private RelayAllocation newAllocation(PendingAllocate pending, InetSocketAddress relayed) {
        RelayAllocation allocation = new RelayAllocation(FiveTuple.of(link.transport(), pending.client,
                link.localAddress()), pending.auth.username(), pending.settings.realm(), relayed, link,
                seconds(pending.lifetimeSeconds), System.nanoTime(), seconds(pending.settings.permissionLifetimeSeconds()),
                seconds(pending.settings.channelLifetimeSeconds()), pending.settings.maxBps());
        allocation.restApiSecret(pending.auth.restApiSecret());
        return allocation;
    }

    /** RFC 6062 §5.1: a TCP allocation's relay is a socket listening on its relayed address. */
    private void listen(PendingAllocate pending) {
        Future<TcpRelay> listening = relays.listen(link.eventLoop(), pending.nextToBind(),
                relayed -> relays.tcpRelay(newAllocation(pending, relayed), pending.settings.peerPolicy()));
        listening.addListener(f -> {
            if (!f.isSuccess()) {
                refusals.log(RefusalLog.Kind.CAPACITY, "508 relayed address refused: {}; user {}, client {}",
                        f.cause().getMessage(), pending.auth.username(), TransportAddresses.format(pending.client));
                refuseCapacity(pending);
            } else if (link.allocation(pending.client) != null) {
                // A retransmitted Allocate raced this one and won: its answer stands, this socket goes.
                relays.discard(listening.getNow());
                relays.releaseQuota(pending.auth.username());
            } else {
                TcpRelay relay = listening.getNow();
                relays.relayThrough(relay.allocation(), relay);
                answer(pending, relay.allocation());
            }
        });
    }

    /**
     * Binds the relay socket of the next relay address. The first socket bound makes the allocation, before the
     * socket exists, so that it hands what peers send it to the allocation from the first datagram on (none gets
     * through before a permission exists, RFC 8656 §9); a second one, of the other family, serves the same one.
     */
    private void bindNext(PendingAllocate pending) {
        InetAddress ip = pending.nextToBind();
        TurnSettings settings = pending.settings;
        Function<InetSocketAddress, PeerDataHandler> receivers = pending.bound.isEmpty()
                ? relayed -> new PeerDataHandler(counters, newAllocation(pending, relayed))
                : relayed -> pending.bound.get(0).fromPeers();
        Future<BoundRelay> bound = relays.bind(link.eventLoop(), ip, pending.choice, pending.reservedPort, receivers);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                pending.bound.add(bound.getNow());
            } else {
                refusals.log(RefusalLog.Kind.CAPACITY, "508 relayed address refused: {}; user {}, client {}",
                        f.cause().getMessage(), pending.auth.username(), TransportAddresses.format(pending.client));
                pending.refuse(AddressAttribute.familyOf(ip), StunErrorCode.INSUFFICIENT_CAPACITY);
            }
            if (pending.hasMoreToBind()) {
                bindNext(pending);
            } else {
                onRelaysBound(pending);
            }
        });
    }

    /** No relayed address could be had: 508, and the place in the quotas is given back. */
    private void refuseCapacity(PendingAllocate pending) {
        relays.releaseQuota(pending.auth.username());
        refuse(pending, StunErrorCode.INSUFFICIENT_CAPACITY);
    }

    private void refuse(PendingAllocate pending, int code) {
        ByteBuf response = responses.start(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, pending.transactionId);
        responses.errorCode(code, StunErrorCode.reason(code));
        responses.finishAndSend(response, pending.client, pending.auth, pending.fingerprint, false);
    }

    private void onRelaysBound(PendingAllocate pending) {
        if (pending.bound.isEmpty()) {
            refuseCapacity(pending);
            return;
        }
        if (link.allocation(pending.client) != null) {
            // A retransmitted Allocate raced this one and won: its answer stands, these sockets go.
            relays.discard(pending.bound, pending.reserveNext());
            relays.releaseQuota(pending.auth.username());
            return;
        }
        RelayAllocation allocation = pending.bound.get(0).fromPeers().allocation();
        relays.relayThrough(allocation, pending.bound);
        answer(pending, allocation);
    }

    /** The allocation relays: the link knows it, and the client gets its relayed addresses. */
    private void answer(PendingAllocate pending, RelayAllocation allocation) {
        link.add(allocation);
        counters.increment(ServerCounter.ALLOCATIONS_CREATED);
        AllocationLog.created(allocation, pending.lifetimeSeconds);

        ByteBuf response = responses.start(StunMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE, pending.transactionId);
        StunMessageEncoder encoder = responses.encoder();
        for (InetSocketAddress relayed : allocation.relayedAddresses()) {
            encoder.addAddress(StunAttributeType.XOR_RELAYED_ADDRESS, relayAddresses.advertised(relayed));
        }
        encoder.addUint32(StunAttributeType.LIFETIME, pending.lifetimeSeconds);
        if (pending.reserveNext()) {
            // RFC 8656 §7.2: R=1 keeps the next port for a later Allocate that presents this token.
            InetSocketAddress relayed = allocation.relayedAddress();
            encoder.addReservationToken(relays.reservations().reserve(relayed.getPort() + 1, relayed.getAddress(),
                    System.nanoTime()));
        }
        if (pending.addressErrorCode != 0 && pending.refusedFamily() != 0) {
            // RFC 8656 §7.2: the relayed address of the other family stands; this one is refused in
            // ADDRESS-ERROR-CODE, 440 when the server has no relay address of its family, 508 when no port was free.
            encoder.addAddressErrorCode(pending.addressErrorCode, pending.refusedFamily(), pending.refusedCode(),
                    StunErrorCode.reason(pending.refusedCode()));
        }
        encoder.addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, pending.client);
        allocation.rememberResponse(pending.transactionIdHigh, pending.transactionIdLow,
                responses.finishAndSend(response, pending.client, pending.auth, pending.fingerprint, true));
    }

    /** RFC 8656 §8.2: receiving a Refresh request; LIFETIME 0 deletes the allocation. */
    void onRefresh(StunMessage request, InetSocketAddress client, RelayAllocation allocation, AuthResult auth) {
        int requestedFamily = request.findAttribute(StunAttributeType.REQUESTED_ADDRESS_FAMILY);
        // RFC 8656 §8.2: 443 for a family the allocation has no relayed address of; a Refresh refreshes every one.
        if (requestedFamily >= 0
                && !allocation.hasRelayOfFamily(StunAttributes.addressFamily(request, requestedFamily))) {
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
