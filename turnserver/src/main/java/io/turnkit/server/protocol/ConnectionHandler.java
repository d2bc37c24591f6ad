package io.turnkit.server.protocol;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.auth.AuthResult;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.relay.ConnectionIds;
import io.turnkit.server.relay.PeerConnection;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.relay.TcpRelay;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMethod;

/**
 * Connect (RFC 6062 §5.2) and ConnectionBind (RFC 6062 §5.4) requests of an authenticated client: a connection
 * from a TCP allocation's relayed address to a peer, and a new client connection bound to a peer's connection to
 * carry its bytes.
 */
final class ConnectionHandler {
    private final ClientLink link;
    private final ResponseWriter responses;
    private final PermissionHandler permissions;
    private final ConnectionIds connectionIds;
    private final AddressAttribute address = new AddressAttribute();

    ConnectionHandler(ClientLink link, ResponseWriter responses, PermissionHandler permissions,
            ConnectionIds connectionIds) {
        this.link = link;
        this.responses = responses;
        this.permissions = permissions;
        this.connectionIds = connectionIds;
    }

    /** RFC 6062 §5.2: receiving a Connect request on the control connection of {@code allocation}. */
    void onConnect(StunMessage request, InetSocketAddress client, RelayAllocation allocation, AuthResult auth) {
        TcpRelay relay = allocation.tcpRelay();
        int peer = request.findAttribute(StunAttributeType.XOR_PEER_ADDRESS);
        if (relay == null || peer < 0) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        // The same checks as a permission's: a valid address of the relay's family that the peer policy allows.
        int error = permissions.checkPeer(request, allocation, peer);
        if (error != PermissionHandler.PEER_OK) {
            responses.error(request, client, error, auth);
            return;
        }
        InetSocketAddress peerAddress = address.wrap(request, peer).toSocketAddress();
        if (relay.hasConnection(peerAddress)) {
            responses.error(request, client, StunErrorCode.CONNECTION_ALREADY_EXISTS, auth);
            return;
        }
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        request.copyTransactionId(transactionId);
        boolean fingerprint = ResponseWriter.hasFingerprint(request);
        relay.connect(peerAddress).addListener(connected -> {
            ByteBuf response;
            if (connected.isSuccess()) {
                PeerConnection connection = (PeerConnection) connected.getNow();
                response = responses.start(StunMethod.CONNECT, StunClass.SUCCESS_RESPONSE, transactionId);
                responses.encoder().addUint32(StunAttributeType.CONNECTION_ID, connection.id() & 0xFFFF_FFFFL);
            } else {
                response = responses.start(StunMethod.CONNECT, StunClass.ERROR_RESPONSE, transactionId);
                responses.encoder().addErrorCode(StunErrorCode.CONNECTION_TIMEOUT_OR_FAILURE,
                        StunErrorCode.reason(StunErrorCode.CONNECTION_TIMEOUT_OR_FAILURE));
            }
            responses.finishAndSend(response, client, auth, fingerprint, false);
        });
    }

    /**
     * The address whose nonce a request from {@code client} must carry: for a ConnectionBind of a pending
     * connection, the allocation's control connection's. Clients (coturn's among them) sign it with what they
     * learnt there, and cannot take a challenge on a connection they read as a data connection already.
     */
    InetSocketAddress nonceAddress(StunMessage request, InetSocketAddress client) {
        int id = request.findAttribute(StunAttributeType.CONNECTION_ID);
        PeerConnection connection = request.method() != StunMethod.CONNECTION_BIND || id < 0 ? null
                : connectionIds.pending(StunAttributes.uint32(request, id));
        return connection == null ? client : connection.controlClient();
    }

    /**
     * RFC 6062 §5.4: receiving a ConnectionBind request, on a new connection of the client that has no allocation:
     * bound to the peer data connection its CONNECTION-ID names, it carries that peer's bytes from now on.
     */
    void onConnectionBind(StunMessage request, InetSocketAddress client, RelayAllocation existing,
            AuthResult auth) {
        int id = request.findAttribute(StunAttributeType.CONNECTION_ID);
        PeerConnection connection = id < 0 ? null : connectionIds.pending(StunAttributes.uint32(request, id));
        if (!link.isStream() || existing != null || connection == null) {
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        if (!connection.username().equals(auth.username())) {
            // RFC 8656 §5: what concerns an allocation takes the credentials that made it.
            responses.error(request, client, StunErrorCode.WRONG_CREDENTIALS, auth);
            return;
        }
        if (!connectionIds.claim(connection)) {
            // Another ConnectionBind, or the 30 s timeout, took it a moment ago.
            responses.error(request, client, StunErrorCode.BAD_REQUEST, auth);
            return;
        }
        responses.finishAndSend(responses.start(request, StunClass.SUCCESS_RESPONSE), client, auth,
                ResponseWriter.hasFingerprint(request), false);
        connection.takeOver(link.detachForData());
    }
}
