package io.turnkit.perf.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMethod;

/**
 * A response to a control request (Allocate, Refresh, CreatePermission, ChannelBind), decoded over its
 * own heap copy so it outlives the receive buffer. Control path only: it allocates.
 */
final class StunReply {
    private final StunMessage message = new StunMessage();

    private StunReply(byte[] bytes) {
        ByteBuf copy = Unpooled.wrappedBuffer(bytes);
        message.wrap(copy, 0, bytes.length).validate();
    }

    /** A heap copy of a response the caller has validated. */
    static StunReply copyOf(StunMessage response) {
        return new StunReply(ByteBufUtil.getBytes(response.buffer(), response.offset(), response.length()));
    }

    boolean isSuccess() {
        return message.isSuccessResponse();
    }

    /** The ERROR-CODE (RFC 8489 §14.8), 0 when there is none. */
    int errorCode() {
        int attribute = message.findAttribute(StunAttributeType.ERROR_CODE);
        return attribute < 0 ? 0 : StunAttributes.errorCode(message, attribute);
    }

    /** A string attribute (REALM, NONCE), or null. */
    String string(int attributeType) {
        return StunAttributes.string(message, message.findAttribute(attributeType));
    }

    /** {@code Allocate: error 486 (Allocation Quota Reached)}, for reports. */
    String describe() {
        int attribute = message.findAttribute(StunAttributeType.ERROR_CODE);
        String method = StunMethod.name(message.method());
        return attribute < 0
                ? method + ": " + (isSuccess() ? "success" : "error without ERROR-CODE")
                : method + ": error " + errorCode() + " ("
                        // Some servers end the reason phrase with a NUL.
                        + StunAttributes.errorReason(message, attribute).replaceAll("\\p{Cntrl}", "") + ")";
    }
}
