package io.turnkit.server.protocol;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.auth.AuthResult;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.Transports;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;

/**
 * Responses to one client link's requests, encoded straight into pooled buffers and queued on the link. The
 * attributes every response shares are added here: SOFTWARE when the operator asked for it, integrity on
 * every response to an authenticated request (RFC 8489 §9.2.4), FINGERPRINT when the request had one
 * (RFC 8489 §14.7). Used from the link's event loop only.
 */
final class ResponseWriter {
    private static final int INITIAL_BYTES = 256;

    private final ClientLink link;
    private final String software;
    private final ServerCounters counters;
    private final StunMessageEncoder encoder = new StunMessageEncoder();

    ResponseWriter(ClientLink link, String software, ServerCounters counters) {
        this.link = link;
        this.software = software;
        this.counters = counters;
    }

    /** Starts a response of {@code stunClass} to {@code request}; the caller adds attributes to {@link #encoder()}. */
    ByteBuf start(StunMessage request, int stunClass) {
        ByteBuf out = Transports.ALLOCATOR.directBuffer(INITIAL_BYTES);
        encoder.wrap(out).header(StunMessageType.of(request.method(), stunClass), request);
        return out;
    }

    /** Starts a response to a request that is gone by now, by its method and transaction id. */
    ByteBuf start(int method, int stunClass, byte[] transactionId) {
        ByteBuf out = Transports.ALLOCATOR.directBuffer(INITIAL_BYTES);
        encoder.wrap(out).header(StunMessageType.of(method, stunClass), transactionId);
        return out;
    }

    /** Adds ERROR-CODE to the response being written, and counts the error response by its code. */
    void errorCode(int code, String reason) {
        encoder.addErrorCode(code, reason);
        counters.increment(ServerCounter.errorResponse(code));
    }

    /** The encoder of the response being written. */
    StunMessageEncoder encoder() {
        return encoder;
    }

    /**
     * Ends the response and queues it to {@code client}. With {@code keep} the caller gets the response back
     * and owns it (to answer a retransmission with it); else null.
     */
    ByteBuf finishAndSend(ByteBuf response, InetSocketAddress client, AuthResult auth, boolean fingerprint,
            boolean keep) {
        finish(auth, fingerprint);
        link.write(keep ? response.retainedDuplicate() : response, client);
        link.flush();
        return keep ? response : null;
    }

    /**
     * Ends an unauthenticated response and queues it to {@code destination} on {@code origin}, another link of
     * this event loop: an answer from another of the server's addresses (RFC 5780 §7.2).
     */
    void finishAndSendFrom(ClientLink origin, ByteBuf response, InetSocketAddress destination, boolean fingerprint) {
        finish(null, fingerprint);
        origin.write(response, destination);
        origin.flush();
    }

    private void finish(AuthResult auth, boolean fingerprint) {
        if (software != null) {
            encoder.addString(StunAttributeType.SOFTWARE, software);
        }
        if (auth != null) {
            auth.writeIntegrity(encoder);
        }
        if (fingerprint) {
            encoder.addFingerprint();
        }
        encoder.finish();
    }

    /** A success response with no attributes of its own, kept to answer a retransmission with. */
    ByteBuf success(StunMessage request, InetSocketAddress client, AuthResult auth) {
        ByteBuf response = start(request, StunClass.SUCCESS_RESPONSE);
        return finishAndSend(response, client, auth, hasFingerprint(request), true);
    }

    /** An error response with the RFCs' reason phrase for {@code code}. */
    void error(StunMessage request, InetSocketAddress client, int code, AuthResult auth) {
        error(request, client, code, StunErrorCode.reason(code), auth);
    }

    void error(StunMessage request, InetSocketAddress client, int code, String reason, AuthResult auth) {
        ByteBuf response = start(request, StunClass.ERROR_RESPONSE);
        errorCode(code, reason);
        finishAndSend(response, client, auth, hasFingerprint(request), false);
    }

    /**
     * RFC 8489 §10: 300 (Try Alternate) naming the server to use instead; signed like any response to an
     * authenticated request, so the client can trust the redirection.
     */
    void tryAlternate(StunMessage request, InetSocketAddress client, InetSocketAddress alternate, AuthResult auth) {
        ByteBuf response = start(request, StunClass.ERROR_RESPONSE);
        encoder.addErrorCode(StunErrorCode.TRY_ALTERNATE, StunErrorCode.reason(StunErrorCode.TRY_ALTERNATE));
        encoder.addAddress(StunAttributeType.ALTERNATE_SERVER, alternate);
        // RFC 8489 §10: over TLS or DTLS, the name the client checks the alternate's certificate against (§14.16).
        String domain = AlternateServers.secure(link.transport()) ? AlternateServers.domain(alternate) : null;
        if (domain != null) {
            encoder.addString(StunAttributeType.ALTERNATE_DOMAIN, domain);
        }
        finishAndSend(response, client, auth, hasFingerprint(request), false);
    }

    /** A 401 or 438 with what the client needs to try again: realm, nonce, password algorithms. */
    void challenge(StunMessage request, InetSocketAddress client, AuthResult auth) {
        ByteBuf response = start(request, StunClass.ERROR_RESPONSE);
        errorCode(auth.errorCode(), auth.reason());
        auth.writeChallenge(encoder);
        // A 438 to a request whose integrity verified is signed too; a refused one has no key to sign with.
        finishAndSend(response, client, auth, hasFingerprint(request), false);
    }

    /** RFC 8489 §6.3.1.1: a 420 naming the comprehension-required attributes the server does not know. */
    void unknownAttributes(StunMessage request, InetSocketAddress client, AuthResult auth) {
        ByteBuf response = start(request, StunClass.ERROR_RESPONSE);
        errorCode(StunErrorCode.UNKNOWN_ATTRIBUTE, StunErrorCode.reason(StunErrorCode.UNKNOWN_ATTRIBUTE));
        encoder.addUnknownAttributes(request);
        finishAndSend(response, client, auth, hasFingerprint(request), false);
    }

    static boolean hasFingerprint(StunMessage request) {
        return request.findAttribute(StunAttributeType.FINGERPRINT) >= 0;
    }
}
