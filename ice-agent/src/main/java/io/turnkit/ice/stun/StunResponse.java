package io.turnkit.ice.stun;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.netty.buffer.Unpooled;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunMessage;

/**
 * A response that ended a transaction: a validated copy of the message, where it came from, and how long it took.
 * Control path only: it owns its bytes, and its readers allocate.
 */
public final class StunResponse {
    private final StunMessage message = new StunMessage();
    private final InetSocketAddress source;
    private final Duration roundTrip;
    private final int requestsSent;

    StunResponse(byte[] bytes, InetSocketAddress source, Duration roundTrip, int requestsSent) {
        message.wrap(Unpooled.wrappedBuffer(bytes), 0, bytes.length).validate();
        this.source = source;
        this.roundTrip = roundTrip;
        this.requestsSent = requestsSent;
    }

    /** The validated message, for attributes this class has no reader for. */
    public StunMessage message() {
        return message;
    }

    public boolean isSuccess() {
        return message.isSuccessResponse();
    }

    /** The ERROR-CODE (RFC 8489 §14.8) of an error response; 0 for a success or an unreadable code. */
    public int errorCode() {
        int code = StunAttributes.errorCode(message, message.findAttribute(StunAttributeType.ERROR_CODE));
        return Math.max(code, 0);
    }

    /** The reason phrase of ERROR-CODE; empty when there is none. */
    public String errorReason() {
        return StunAttributes.errorReason(message, message.findAttribute(StunAttributeType.ERROR_CODE));
    }

    /** A string attribute (REALM, NONCE, SOFTWARE…), or null when absent. */
    public String string(int type) {
        return StunAttributes.string(message, message.findAttribute(type));
    }

    /** A 32-bit attribute (LIFETIME…), or -1 when absent or malformed. */
    public long uint32(int type) {
        return StunAttributes.uint32(message, message.findAttribute(type));
    }

    /** An address attribute, un-XORed where it is an XOR-* type; null when absent or malformed. */
    public InetSocketAddress address(int type) {
        int attribute = message.findAttribute(type);
        return attribute < 0 ? null : new AddressAttribute().wrap(message, attribute).toSocketAddress();
    }

    /** The source of the datagram (the server of a stream). */
    public InetSocketAddress source() {
        return source;
    }

    /** From the first request of the transaction to this response (retransmissions included). */
    public Duration roundTrip() {
        return roundTrip;
    }

    /** How many times the request was sent before this response came: 1 unless retransmitted. */
    public int requestsSent() {
        return requestsSent;
    }
}
