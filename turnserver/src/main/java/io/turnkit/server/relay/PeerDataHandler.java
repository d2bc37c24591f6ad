package io.turnkit.server.relay;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.BufferOrigin;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.server.transport.DatagramReceiver;
import io.turnkit.server.transport.DirectCopy;
import io.turnkit.server.transport.Transports;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/**
 * Datagrams from peers to one allocation's relayed address (RFC 8656 §11.3, §12.6): only peers with a
 * permission get through; a bound channel carries them as ChannelData, otherwise a Data indication.
 * Runs on the event loop of the client link, so the allocation is never touched from two threads.
 */
public final class PeerDataHandler implements DatagramReceiver {
    private final ServerCounters counters;
    private final RelayAllocation allocation;
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
    /** The receive buffer the link was last asked about, during this read batch, and its answer. */
    private ByteBuf askedFor;
    private boolean admitted;

    public PeerDataHandler(ServerCounters counters, RelayAllocation allocation) {
        this.counters = counters;
        this.allocation = allocation;
    }

    /** The allocation whose relayed addresses this handler serves. */
    public RelayAllocation allocation() {
        return allocation;
    }

    @Override
    public void datagram(ByteBuf data, InetSocketAddress sender) {
        fromPeer(data, sender, true);
    }

    /**
     * Relays {@code payload} (not taking ownership) as the client's peer {@code peer} sent it.
     *
     * @param received whether the relay socket read the payload into its {@link ChannelDataHeadroom} buffer, so
     *     the ChannelData header may be written in front of it
     */
    public void fromPeer(ByteBuf payload, InetSocketAddress peer, boolean received) {
        long now = System.nanoTime();
        if (!allocation.hasPermission(peer.getAddress(), now)) {
            counters.increment(ServerCounter.NO_PERMISSION);
            return;
        }
        int length = payload.readableBytes();
        if (!allocation.admitToClient(length, now)) {
            counters.increment(ServerCounter.OVER_BANDWIDTH);
            return;
        }
        int channel = allocation.channelOfPeer(peer, now);
        counters.increment(channel >= 0 ? ServerCounter.CHANNEL_DATA_TO_CLIENT : ServerCounter.DATA_TO_CLIENT);
        counters.add(channel >= 0 ? ServerCounter.CHANNEL_DATA_BYTES_TO_CLIENT : ServerCounter.DATA_BYTES_TO_CLIENT,
                length);
        ByteBuf frame;
        ByteBuf buffer;
        if (channel >= 0 && received && inPlaceAdmitted(buffer = BufferOrigin.of(payload))
                && (frame = ChannelDataHeadroom.frameInPlace(payload, buffer, channel)) != null) {
            counters.increment(ServerCounter.HEADERS_IN_PLACE);
        } else if (channel >= 0) {
            boolean stream = allocation.link().isStream();
            frame = Transports.ALLOCATOR.directBuffer(stream ? ChannelData.paddedLength(length)
                    : ChannelData.HEADER_LENGTH + length);
            ChannelData.writeHeader(frame, channel, length);
            DirectCopy.append(frame, payload, payload.readerIndex(), length);
            if (stream) {
                // RFC 8656 §12.5: over a stream the frame is padded to a multiple of 4 bytes.
                frame.writeZero(ChannelData.paddedLength(length) - ChannelData.HEADER_LENGTH - length);
            }
        } else {
            frame = Transports.ALLOCATOR.directBuffer(StunMessage.HEADER_LENGTH + 24 + 4 + length + 3);
            // RFC 8489 §6: an indication the server originates gets a fresh transaction id.
            ThreadLocalRandom.current().nextBytes(transactionId);
            encoder.wrap(frame)
                    .header(StunMessageType.of(StunMethod.DATA, StunClass.INDICATION), transactionId)
                    .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer)
                    .addBytes(StunAttributeType.DATA, payload, payload.readerIndex(), length)
                    .finish();
        }
        allocation.link().write(frame, allocation.client());
    }

    /** Whether the link takes frames in place from {@code buffer}: asked once per receive buffer. */
    private boolean inPlaceAdmitted(ByteBuf buffer) {
        if (buffer != askedFor) {
            askedFor = buffer;
            admitted = allocation.link().admitFramesInPlace(buffer.capacity());
        }
        return admitted;
    }

    @Override
    public void readComplete() {
        // The next batch reads into other buffers, or into this object again once the pool recycled it.
        askedFor = null;
        // Not one flush per datagram: a peer's burst, and the batches of other relay sockets ready at the same
        // time, leave the link together.
        allocation.link().flush();
    }
}
