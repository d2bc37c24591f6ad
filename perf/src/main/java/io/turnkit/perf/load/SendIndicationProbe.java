package io.turnkit.perf.load;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * Probes in Send indications (RFC 8656 §11.1): XOR-PEER-ADDRESS and DATA, no channel. The echo comes
 * back in a Data indication (RFC 8656 §11.3) with the payload in its DATA attribute.
 */
final class SendIndicationProbe implements ProbeFormat {
    private static final int SEND_INDICATION = StunMessageType.of(StunMethod.SEND, StunClass.INDICATION);
    /** Header, XOR-PEER-ADDRESS of an IPv6 peer (4 + 20), DATA header. */
    private static final int OVERHEAD = StunMessage.HEADER_LENGTH + 24 + StunAttributes.HEADER_LENGTH;

    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final StunMessage message = new StunMessage();
    private final byte[] peerAddress;
    private final int peerPort;
    private final int payloadLength;
    private final ByteBuf payload;

    SendIndicationProbe(InetSocketAddress peer, int payloadLength) {
        this.peerAddress = peer.getAddress().getAddress();
        this.peerPort = peer.getPort();
        this.payloadLength = payloadLength;
        this.payload = Unpooled.buffer(payloadLength, payloadLength);
    }

    @Override
    public int maxLength() {
        return OVERHEAD + StunAttributes.paddedLength(payloadLength);
    }

    @Override
    public void write(ByteBuf out, long sequence, long sentNanos) {
        payload.clear();
        Probe.writePayload(payload, sequence, sentNanos, payloadLength);
        // RFC 8489 §6: an indication's transaction id is random too, though nothing answers it.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        encoder.wrap(out)
                .header(SEND_INDICATION, random.nextLong(), random.nextInt())
                .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peerAddress, peerPort)
                .addBytes(StunAttributeType.DATA, payload, 0, payloadLength)
                .finish();
    }

    @Override
    public boolean read(ByteBuf datagram, Probe probe) {
        if (!message.wrap(datagram, datagram.readerIndex(), datagram.readableBytes()).validate().isWellFormed()
                || !message.isIndication() || message.method() != StunMethod.DATA) {
            return false;
        }
        int data = message.findAttribute(StunAttributeType.DATA);
        return data >= 0
                && probe.readPayload(datagram, StunAttributes.valueOffset(data), StunAttributes.valueLength(message, data));
    }
}
