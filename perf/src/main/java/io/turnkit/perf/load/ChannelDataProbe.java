package io.turnkit.perf.load;

import io.netty.buffer.ByteBuf;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.ChannelDataValidation;

/**
 * Probes in ChannelData messages (RFC 8656 §12.4) on a bound channel: the relay path as WebRTC uses it.
 * Over UDP the padding is optional (RFC 8656 §12.5), and none is sent. The echo comes back the same way.
 */
final class ChannelDataProbe implements ProbeFormat {
    private final ChannelData channelData = new ChannelData();
    private final int channelNumber;
    private final int payloadLength;

    ChannelDataProbe(int channelNumber, int payloadLength) {
        this.channelNumber = channelNumber;
        this.payloadLength = payloadLength;
    }

    @Override
    public int maxLength() {
        return ChannelData.HEADER_LENGTH + payloadLength;
    }

    @Override
    public void write(ByteBuf out, long sequence, long sentNanos) {
        ChannelData.writeHeader(out, channelNumber, payloadLength);
        Probe.writePayload(out, sequence, sentNanos, payloadLength);
    }

    @Override
    public boolean read(ByteBuf datagram, Probe probe) {
        if (channelData.wrap(datagram, datagram.readerIndex(), datagram.readableBytes()).validate(false)
                != ChannelDataValidation.VALID) {
            return false;
        }
        return probe.readPayload(datagram, channelData.dataOffset(), channelData.dataLength());
    }
}
