package io.turnkit.server.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.turnkit.server.auth.AuthResult;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.policy.PeerPolicy;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.store.ChannelBindResult;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.AttributeIterator;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;

/**
 * CreatePermission (RFC 8656 §10.2) and ChannelBind (RFC 8656 §12.2) requests of an authenticated client
 * on its own allocation: which peers may send to the relayed address, and through which channel.
 */
final class PermissionHandler {
    /** No error: the peer may get a permission. */
    static final int PEER_OK = 0;

    private final ResponseWriter responses;
    private final ServerCounters counters;
    private final LiveSettings settings;
    private final RefusalLog refusals;
    private final AddressAttribute address = new AddressAttribute();
    private final AttributeIterator attributes = new AttributeIterator();

    PermissionHandler(ResponseWriter responses, ServerCounters counters, LiveSettings settings, RefusalLog refusals) {
        this.responses = responses;
        this.counters = counters;
        this.settings = settings;
        this.refusals = refusals;
    }

    /** RFC 8656 §10.2: every XOR-PEER-ADDRESS must pass before any permission is installed. */
    void onCreatePermission(StunMessage request, InetSocketAddress client, RelayAllocation allocation,
            AuthResult auth) {
        int peers = 0;
        PeerPolicy peerPolicy = settings.get().peerPolicy();
        attributes.reset(request);
        while (attributes.next()) {
            if (attributes.type() != StunAttributeType.XOR_PEER_ADDRESS) {
                continue;
            }
            int error = checkPeer(request, allocation, attributes.attributeOffset(), peerPolicy);
            if (error != PEER_OK) {
                responses.error(request, client, error, auth);
                return;
            }
            peers++;
        }
        if (peers == 0) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        long now = System.nanoTime();
        attributes.reset(request);
        while (attributes.next()) {
            if (attributes.type() == StunAttributeType.XOR_PEER_ADDRESS) {
                allocation.installPermission(
                        address.wrap(request, attributes.attributeOffset()).toSocketAddress().getAddress(), now);
            }
        }
        rememberSuccess(request, client, allocation, auth);
    }

    /** RFC 8656 §12.2: receiving a ChannelBind request. */
    void onChannelBind(StunMessage request, InetSocketAddress client, RelayAllocation allocation, AuthResult auth) {
        int number = request.findAttribute(StunAttributeType.CHANNEL_NUMBER);
        int peer = request.findAttribute(StunAttributeType.XOR_PEER_ADDRESS);
        // RFC 6062 §5: a TCP allocation has no channels; its peers' bytes go over their own connections.
        if (number < 0 || peer < 0 || allocation.tcpRelay() != null
                || !ChannelData.isChannelNumber(StunAttributes.channelNumber(request, number))) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        int error = checkPeer(request, allocation, peer, settings.get().peerPolicy());
        if (error != PEER_OK) {
            responses.error(request, client, error, auth);
            return;
        }
        InetSocketAddress peerAddress = address.wrap(request, peer).toSocketAddress();
        ChannelBindResult result = allocation.bindChannel(StunAttributes.channelNumber(request, number),
                peerAddress, System.nanoTime());
        if (result == ChannelBindResult.CONFLICT) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        rememberSuccess(request, client, allocation, auth);
    }

    /** {@link #checkPeer(StunMessage, RelayAllocation, int, PeerPolicy)} under the peer policy now in force. */
    int checkPeer(StunMessage request, RelayAllocation allocation, int attribute) {
        return checkPeer(request, allocation, attribute, settings.get().peerPolicy());
    }

    /** {@link #PEER_OK} when the XOR-PEER-ADDRESS at {@code attribute} may get a permission, else the error code. */
    private int checkPeer(StunMessage request, RelayAllocation allocation, int attribute, PeerPolicy peerPolicy) {
        if (!address.wrap(request, attribute).isValid()) {
            return StunErrorCode.BAD_REQUEST;
        }
        InetAddress peer = address.toSocketAddress().getAddress();
        // RFC 8656 §10.2/§12.2: a peer of a family the allocation has no relayed address of gets 443; each peer is
        // reached through the relayed address of its own family, and the policy applies to either family.
        if (allocation.relayedAddressFor(peer) == null) {
            return StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH;
        }
        if (!peerPolicy.isAllowed(peer)) {
            counters.increment(ServerCounter.PEER_DENIED);
            refusals.log(RefusalLog.Kind.FORBIDDEN_PEER, "403 peer {} refused: user {}, relayed {}",
                    TransportAddresses.format(address.toSocketAddress()), allocation.username(),
                    TransportAddresses.format(allocation.relayedAddressFor(peer)));
            return StunErrorCode.FORBIDDEN;
        }
        return PEER_OK;
    }

    private void rememberSuccess(StunMessage request, InetSocketAddress client, RelayAllocation allocation,
            AuthResult auth) {
        allocation.rememberResponse(request.transactionIdHigh(), request.transactionIdLow(),
                responses.success(request, client, auth));
    }
}
