package io.turnkit.perf.load;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * The control path of one client socket: TURN requests over UDP with retransmission and the long-term
 * credential dance (RFC 8489 §9.2). The first request goes without credentials; the 401 it gets names
 * the realm and a nonce, and the request is sent again with USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY. Later requests reuse the nonce until the server answers 438 (Stale Nonce) or 401.
 *
 * <p>One request at a time; everything runs on the socket's event loop, and each request's future
 * completes there: with the success response, or exceptionally with a {@link ControlRequestException}
 * for an error response or when no answer came.
 */
final class TurnClient {
    /** RFC 8489 §6.2.1: the first retransmission after RTO = 500 ms, each later one after twice as long. */
    private static final long FIRST_RTO_MILLIS = 500;
    /** Fewer sends than RFC 8489's Rc = 7, so that a run stays bounded: gives up after 0.5 + 1 + 2 + 4 s. */
    private static final int MAX_SENDS = 4;
    /** A request answered 401 or 438 is sent again with fresh credentials at most this often. */
    private static final int MAX_CHALLENGES = 2;
    private static final int REQUEST_CAPACITY = 256;

    private final Channel channel;
    private final Credentials credentials;
    private final StunMessage response = new StunMessage();
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private String realm;
    private String nonce;
    private Transaction transaction;

    TurnClient(Channel channel, Credentials credentials) {
        this.channel = channel;
        this.credentials = credentials;
    }

    /** RFC 8656 §7.1: an Allocate request for a UDP relayed address. */
    CompletableFuture<StunReply> allocate() {
        return request(StunMethod.ALLOCATE, e -> e.addRequestedTransport(StunAttributes.TRANSPORT_UDP));
    }

    /** RFC 8656 §8.1: a Refresh request; lifetime 0 deletes the allocation. */
    CompletableFuture<StunReply> refresh(long lifetimeSeconds) {
        return request(StunMethod.REFRESH, e -> e.addUint32(StunAttributeType.LIFETIME, lifetimeSeconds));
    }

    /** RFC 8656 §10.1: a permission for the peer's IP address, so that Send indications reach it. */
    CompletableFuture<StunReply> createPermission(InetSocketAddress peer) {
        return request(StunMethod.CREATE_PERMISSION, e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer));
    }

    /** RFC 8656 §12.1: binds a channel number to the peer (and installs its permission). */
    CompletableFuture<StunReply> channelBind(int channelNumber, InetSocketAddress peer) {
        return request(StunMethod.CHANNEL_BIND, e -> e.addChannelNumber(channelNumber)
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer));
    }

    private CompletableFuture<StunReply> request(int method, Consumer<StunMessageEncoder> attributes) {
        Transaction t = new Transaction(method, attributes);
        if (channel.eventLoop().inEventLoop()) {
            begin(t);
        } else {
            channel.eventLoop().execute(() -> begin(t));
        }
        return t.result;
    }

    private void begin(Transaction t) {
        if (transaction != null) {
            t.result.completeExceptionally(new IllegalStateException("one control request at a time"));
            return;
        }
        transaction = t;
        encode(t);
        send(t);
    }

    /** A new transaction id each time: a request with other credentials is a new request (RFC 8489 §9.2.5). */
    private void encode(Transaction t) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        t.idHigh = random.nextLong();
        t.idLow = random.nextInt();
        ByteBuf out = Unpooled.buffer(REQUEST_CAPACITY);
        encoder.wrap(out).header(StunMessageType.of(t.method, StunClass.REQUEST), t.idHigh, t.idLow);
        t.attributes.accept(encoder);
        if (nonce != null) {
            encoder.addString(StunAttributeType.USERNAME, credentials.username())
                    .addString(StunAttributeType.REALM, realm)
                    .addString(StunAttributeType.NONCE, nonce)
                    .addMessageIntegrity(credentials.key(realm));
        }
        encoder.addFingerprint().finish();
        if (t.request != null) {
            t.request.release();
        }
        t.request = out;
        t.sends = 0;
    }

    private void send(Transaction t) {
        t.sends++;
        channel.writeAndFlush(t.request.retainedDuplicate(), channel.voidPromise());
        long timeout = FIRST_RTO_MILLIS << (t.sends - 1);
        t.timer = channel.eventLoop().schedule(() -> onTimeout(t), timeout, TimeUnit.MILLISECONDS);
    }

    private void onTimeout(Transaction t) {
        if (transaction != t) {
            return;
        }
        if (t.sends < MAX_SENDS) {
            send(t);
        } else {
            finish(t, null, new ControlRequestException(StunMethod.name(t.method) + ": no response to "
                    + MAX_SENDS + " sends"));
        }
    }

    /** Takes a datagram that answers the request in flight; false for anything else. */
    boolean onDatagram(ByteBuf datagram) {
        Transaction t = transaction;
        if (t == null
                || !response.wrap(datagram, datagram.readerIndex(), datagram.readableBytes()).validate().isWellFormed()
                || !(response.isSuccessResponse() || response.isErrorResponse())
                || !response.hasTransactionId(t.idHigh, t.idLow)) {
            return false;
        }
        t.timer.cancel(false);
        StunReply reply = StunReply.copyOf(response);
        int code = reply.errorCode();
        String freshNonce = reply.string(StunAttributeType.NONCE);
        if ((code == 401 || code == 438) && freshNonce != null && credentials.isPresent()
                && t.challenges < MAX_CHALLENGES) {
            // RFC 8489 §9.2.5: retry with the realm and nonce of the 401, or the new nonce of a 438.
            String freshRealm = reply.string(StunAttributeType.REALM);
            if (freshRealm != null || realm != null) {
                t.challenges++;
                realm = freshRealm != null ? freshRealm : realm;
                nonce = freshNonce;
                encode(t);
                send(t);
                return true;
            }
        }
        if (reply.isSuccess()) {
            finish(t, reply, null);
        } else {
            String hint = code == 401 && !credentials.isPresent() ? "; the server wants credentials: -u and -p" : "";
            finish(t, null, new ControlRequestException(reply.describe() + hint));
        }
        return true;
    }

    private void finish(Transaction t, StunReply reply, RuntimeException error) {
        transaction = null;
        t.request.release();
        if (error == null) {
            t.result.complete(reply);
        } else {
            t.result.completeExceptionally(error);
        }
    }

    /** The request in flight, as sent (kept for retransmission). */
    private static final class Transaction {
        final int method;
        final Consumer<StunMessageEncoder> attributes;
        final CompletableFuture<StunReply> result = new CompletableFuture<>();
        int challenges;
        ByteBuf request;
        long idHigh;
        int idLow;
        int sends;
        ScheduledFuture<?> timer;

        Transaction(int method, Consumer<StunMessageEncoder> attributes) {
            this.method = method;
            this.attributes = attributes;
        }
    }
}
