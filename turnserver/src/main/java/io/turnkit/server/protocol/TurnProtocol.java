package io.turnkit.server.protocol;

import java.net.InetSocketAddress;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.auth.AuthResult;
import io.turnkit.server.auth.Authenticator;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.metrics.Counters;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.transport.TransportAddresses;
import io.turnkit.stun.DetectedProtocol;
import io.turnkit.stun.ProtocolDetector;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * What the server does with one frame from a client: the first-byte demux (RFC 7983 §7), then STUN
 * requests and indications (RFC 8489, RFC 8656) and ChannelData (RFC 8656 §12), each to the handler of its
 * method family. What every request goes through comes first, here: a retransmission gets its remembered
 * response, authentication comes before anything that changes state, and a request on an allocation must
 * come with the credentials that made it. One instance per client link, used from its event loop only.
 */
public final class TurnProtocol {
    private final ClientLink link;
    private final ServerCounters counters;
    private final Authenticator authenticator;
    private final Counters<StunValidation> validationCounters;
    private final ResponseWriter responses;
    private final BindingHandler binding;
    private final AllocationHandler allocations;
    private final PermissionHandler permissions;
    private final DataHandler data;
    private final ConnectionHandler connections;
    private final RefusalLog refusals;
    /** Made on the event loop at the first STUN frame, so it counts into that loop's validation counters. */
    private StunMessage message;

    public TurnProtocol(TurnServices server, ClientLink link) {
        this.link = link;
        this.counters = server.counters();
        this.authenticator = server.authenticator();
        this.validationCounters = server.validation();
        this.responses = new ResponseWriter(link, server.settings().get().software(), server.counters());
        this.binding = new BindingHandler(link, responses, server);
        this.allocations = new AllocationHandler(link, responses, server);
        this.permissions = new PermissionHandler(responses, counters, server.settings(), server.refusals());
        this.refusals = server.refusals();
        this.data = new DataHandler(link, counters, server.settings());
        this.connections = new ConnectionHandler(link, responses, permissions, server.relays().connectionIds());
    }

    /** A whole frame from the client: a datagram, or one frame cut from a stream. Never throws on bad input. */
    public void onFrame(ByteBuf frame, InetSocketAddress client) {
        int offset = frame.readerIndex();
        int length = frame.readableBytes();
        if (length == 0) {
            counters.increment(ServerCounter.UNKNOWN_PROTOCOL);
            return;
        }
        // RFC 7983 §7: STUN, ChannelData and DTLS (RFC 8656 §3.1) are all that belongs on a TURN client port.
        DetectedProtocol protocol = ProtocolDetector.detect(frame.getUnsignedByte(offset));
        if (protocol == DetectedProtocol.CHANNEL_DATA) {
            data.onChannelData(frame, offset, length, client);
        } else if (protocol == DetectedProtocol.STUN) {
            onStun(frame, offset, length, client);
        } else if (protocol != DetectedProtocol.DTLS || !link.dtls(frame, client)) {
            counters.increment(ServerCounter.UNKNOWN_PROTOCOL);
        }
    }

    private void onStun(ByteBuf frame, int offset, int length, InetSocketAddress client) {
        if (message == null) {
            message = new StunMessage(validationCounters.mine());
        }
        StunValidation validation = message.wrap(frame, offset, length).validate();
        if (validation != StunValidation.VALID && validation != StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            counters.increment(ServerCounter.MALFORMED_STUN);
            return;
        }
        if (message.isIndication()) {
            // RFC 8656 §11.2: Send is the only indication a server takes; others are dropped silently.
            if (message.method() == StunMethod.SEND && validation == StunValidation.VALID) {
                data.onSend(message, client);
            } else {
                counters.increment(ServerCounter.MALFORMED_STUN);
            }
            return;
        }
        if (!message.isRequest()) {
            // A server sends no requests, so any response is unsolicited (RFC 8489 §6.3.3).
            counters.increment(ServerCounter.MALFORMED_STUN);
            return;
        }
        if (message.method() == StunMethod.BINDING) {
            binding.onBinding(message, client, validation);
        } else if (isTurnRequest(message.method())) {
            onTurnRequest(client, validation);
        } else {
            // RFC 8489 §6.3.1: a request for a method the server does not know gets a 400.
            responses.error(message, client, StunErrorCode.BAD_REQUEST, null);
        }
    }

    private static boolean isTurnRequest(int method) {
        return method == StunMethod.ALLOCATE || method == StunMethod.REFRESH
                || method == StunMethod.CREATE_PERMISSION || method == StunMethod.CHANNEL_BIND
                || method == StunMethod.CONNECT || method == StunMethod.CONNECTION_BIND;
    }

    private void onTurnRequest(InetSocketAddress client, StunValidation validation) {
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
        AuthResult auth = authenticator.authenticate(message, connections.nonceAddress(message, client));
        if (!authenticated(client, auth)) {
            return;
        }
        if (validation == StunValidation.UNKNOWN_COMPREHENSION_REQUIRED) {
            // RFC 8489 §6.3.1.1: after the authentication checks, unknown attributes get a 420.
            responses.unknownAttributes(message, client, auth);
            return;
        }
        int method = message.method();
        if (method == StunMethod.ALLOCATE) {
            allocations.onAllocate(message, client, existing, auth);
            return;
        }
        if (method == StunMethod.CONNECTION_BIND) {
            // RFC 6062 §5.4: it comes on a new connection, one without an allocation.
            connections.onConnectionBind(message, client, existing, auth);
            return;
        }
        if (existing == null) {
            responses.error(message, client, StunErrorCode.ALLOCATION_MISMATCH, auth);
            return;
        }
        if (!existing.username().equals(auth.username())) {
            // RFC 8656 §5: later requests must use the credentials that created the allocation.
            responses.error(message, client, StunErrorCode.WRONG_CREDENTIALS, auth);
            return;
        }
        switch (method) {
            case StunMethod.REFRESH -> allocations.onRefresh(message, client, existing, auth);
            case StunMethod.CREATE_PERMISSION -> permissions.onCreatePermission(message, client, existing, auth);
            case StunMethod.CONNECT -> connections.onConnect(message, client, existing, auth);
            default -> permissions.onChannelBind(message, client, existing, auth);
        }
    }

    /**
     * The USERNAME a refused request claims, for the log: hostile text, so control characters (a forged log
     * line) are replaced; "-" for a request with USERHASH or none (RFC 8489 §14.4).
     */
    private String claimedUsername() {
        int username = message.findAttribute(StunAttributeType.USERNAME);
        return username < 0 ? "-" : StunAttributes.string(message, username).replaceAll("\\p{Cntrl}", "?");
    }

    /** Whether the request may go on; if not, it has been answered. The authenticator counted the outcome. */
    private boolean authenticated(InetSocketAddress client, AuthResult auth) {
        switch (auth.outcome()) {
            case OK:
                return true;
            case BAD_REQUEST:
                responses.error(message, client, auth.errorCode(), auth.reason(), null);
                return false;
            case CHALLENGE:
                // RFC 8489 §9.2.4: the first request of every client; nothing refused yet.
                responses.challenge(message, client, auth);
                return false;
            default:
                refusals.log(RefusalLog.Kind.AUTHENTICATION, "{} ({}): user {}, client {} over {}", auth.errorCode(),
                        auth.event().tag(), claimedUsername(), TransportAddresses.format(client),
                        link.transport().name().toLowerCase(Locale.ROOT));
                // A rate-limited request is answered too, not dropped: a client that gets no answer retransmits
                // and hangs (RFC 8489 §6.2.1).
                responses.challenge(message, client, auth);
                return false;
        }
    }
}
