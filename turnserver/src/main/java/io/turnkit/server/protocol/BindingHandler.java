package io.turnkit.server.protocol;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.relay.RelayAddresses;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunValidation;

/**
 * Binding requests (RFC 8489 §7.3): the client's address as the server sees it, with no authentication; on a
 * listener with an alternate address and port, NAT behavior discovery too (RFC 5780 §6): the answer says where
 * the other listeners are, and comes from another of them, or to another port of the client, when asked.
 */
final class BindingHandler {
    /**
     * RFC 5780 §6.1 asks for PADDING of the outgoing MTU; the request's own PADDING, up to this, keeps the answer
     * no bigger than the question, so that PADDING adds nothing to a reflection attack (RFC 5780 §9.1).
     */
    private static final int MAX_PADDING = 1500;

    private final ClientLink link;
    private final ResponseWriter responses;
    private final ServerCounters counters;
    private final ResponseOrigins origins;
    private final RelayAddresses addresses;

    BindingHandler(ClientLink link, ResponseWriter responses, TurnServices server) {
        this.link = link;
        this.responses = responses;
        this.counters = server.counters();
        this.origins = server.origins();
        this.addresses = server.relayAddresses();
    }

    void onBinding(StunMessage request, InetSocketAddress client, StunValidation validation) {
        counters.increment(ServerCounter.BINDING_REQUESTS);
        if (validation == StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            responses.unknownAttributes(request, client, null);
            return;
        }
        int changeRequest = request.findAttribute(StunAttributeType.CHANGE_REQUEST);
        int responsePort = request.findAttribute(StunAttributeType.RESPONSE_PORT);
        int padding = request.findAttribute(StunAttributeType.PADDING);
        InetSocketAddress other = origins.otherAddress(link);
        if (other == null) {
            int change = changeRequest >= 0 && StunAttributes.changeRequest(request, changeRequest) != 0
                    ? changeRequest : -1;
            if (change >= 0 || responsePort >= 0 || padding >= 0) {
                // RFC 5780 §6.1: a server without an alternate address answers these with 420, so the client
                // learns it cannot do NAT behavior discovery here.
                unsupported(request, client, change, responsePort, padding);
                return;
            }
            // XOR-MAPPED-ADDRESS and nothing more, so a reply is no bigger than it must be.
            ByteBuf response = responses.start(request, StunClass.SUCCESS_RESPONSE);
            responses.encoder().addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, client);
            responses.finishAndSend(response, client, null, ResponseWriter.hasFingerprint(request), false);
            return;
        }
        onDiscovery(request, client, other, changeRequest, responsePort, padding);
    }

    /** RFC 5780 §6.1: a Binding request to a listener with an alternate address and port. */
    private void onDiscovery(StunMessage request, InetSocketAddress client, InetSocketAddress other,
            int changeRequest, int responsePort, int padding) {
        int flags = changeRequest < 0 ? 0 : StunAttributes.changeRequest(request, changeRequest);
        int port = responsePort < 0 ? client.getPort() : StunAttributes.responsePort(request, responsePort);
        if (flags < 0 || port <= 0 || padding >= 0 && responsePort >= 0) {
            // RFC 5780 §6.1: PADDING with RESPONSE-PORT is refused, as is a value that does not parse.
            responses.error(request, client, StunErrorCode.BAD_REQUEST, null);
            return;
        }
        ClientLink origin = flags == 0 ? link : origins.origin(link, (flags & StunAttributes.CHANGE_IP) != 0,
                (flags & StunAttributes.CHANGE_PORT) != 0);
        if (origin == null) {
            // Every listener of the four is bound on every event loop; one missing is a server that is stopping.
            counters.increment(ServerCounter.NO_RESPONSE_ORIGIN);
            return;
        }
        ByteBuf response = responses.start(request, StunClass.SUCCESS_RESPONSE);
        StunMessageEncoder encoder = responses.encoder();
        encoder.addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, client);
        encoder.addAddress(StunAttributeType.RESPONSE_ORIGIN, addresses.advertised(origin.localAddress()));
        encoder.addAddress(StunAttributeType.OTHER_ADDRESS, addresses.advertised(other));
        if (padding >= 0) {
            encoder.addPadding(Math.min(StunAttributes.valueLength(request, padding), MAX_PADDING));
        }
        // RFC 5780 §7.5: RESPONSE-PORT names the port of the client's address the answer goes to.
        InetSocketAddress destination = port == client.getPort() ? client
                : new InetSocketAddress(client.getAddress(), port);
        responses.finishAndSendFrom(origin, response, destination, ResponseWriter.hasFingerprint(request));
    }

    private void unsupported(StunMessage request, InetSocketAddress client, int changeRequest, int responsePort,
            int padding) {
        ByteBuf response = responses.start(request, StunClass.ERROR_RESPONSE);
        StunMessageEncoder encoder = responses.encoder();
        encoder.addErrorCode(StunErrorCode.UNKNOWN_ATTRIBUTE, StunErrorCode.reason(StunErrorCode.UNKNOWN_ATTRIBUTE));
        int[] types = new int[(changeRequest >= 0 ? 1 : 0) + (responsePort >= 0 ? 1 : 0) + (padding >= 0 ? 1 : 0)];
        int i = 0;
        for (int attr : new int[] {changeRequest, responsePort, padding}) {
            if (attr >= 0) {
                types[i++] = StunAttributes.type(request, attr);
            }
        }
        encoder.addUnknownAttributes(types);
        responses.finishAndSend(response, client, null, ResponseWriter.hasFingerprint(request), false);
    }
}
