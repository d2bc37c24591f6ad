package io.turnkit.perf.load;

import io.netty.buffer.ByteBuf;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * Probes as Binding requests (RFC 8489 §3), header only: what a browser's STUN keep-alive and ICE
 * server reflexive gathering send. The 96-bit transaction id carries the send time (64 bits) and the
 * sequence number (32 bits), and the success response returns it unchanged (RFC 8489 §6.3.1).
 */
final class BindingProbe implements ProbeFormat {
    private static final int BINDING_REQUEST = StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST);
    private static final long UINT32_MASK = 0xFFFF_FFFFL;

    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final StunMessage message = new StunMessage();

    @Override
    public int maxLength() {
        return StunMessage.HEADER_LENGTH;
    }

    @Override
    public void write(ByteBuf out, long sequence, long sentNanos) {
        encoder.wrap(out).header(BINDING_REQUEST, sentNanos, (int) sequence).finish();
    }

    @Override
    public boolean read(ByteBuf datagram, Probe probe) {
        if (!message.wrap(datagram, datagram.readerIndex(), datagram.readableBytes()).validate().isWellFormed()
                || !message.isSuccessResponse() || message.method() != StunMethod.BINDING) {
            return false;
        }
        probe.sentNanos = message.transactionIdHigh();
        probe.sequence = message.transactionIdLow() & UINT32_MASK;
        return true;
    }
}
