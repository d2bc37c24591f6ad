package io.turnkit.server;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
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
final class PeerDataHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    /** A GSO send carries at most one UDP datagram's worth of bytes. */
    private static final int MAX_BURST_BYTES = 65_000;

    private final ServerContext server;
    private final RelayAllocation allocation;
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
    /** ChannelData frames of {@link #segmentSize} bytes each, waiting to leave in one GSO send; or null. */
    private ByteBuf burst;
    private int segmentSize;

    PeerDataHandler(ServerContext server, RelayAllocation allocation) {
        this.server = server;
        this.allocation = allocation;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        InetSocketAddress peer = packet.sender();
        long now = System.nanoTime();
        if (!allocation.hasPermission(peer.getAddress(), now)) {
            server.counters.increment(ServerCounter.NO_PERMISSION);
            return;
        }
        ByteBuf payload = packet.content();
        int length = payload.readableBytes();
        if (!allocation.toClient.admit(length, now)) {
            server.counters.increment(ServerCounter.OVER_BANDWIDTH);
            return;
        }
        int channel = allocation.channelOfPeer(peer, now);
        server.counters.increment(ServerCounter.RELAYED_TO_CLIENT);
        if (channel >= 0 && allocation.link.sendsSegments()) {
            addToBurst(ctx, channel, payload, length);
            return;
        }
        // Anything else goes out on its own, after the burst before it, so the client sees the peer's order.
        sendBurst();
        ByteBuf frame;
        if (channel >= 0) {
            boolean stream = allocation.link.isStream();
            frame = ctx.alloc().directBuffer(stream ? ChannelData.paddedLength(length)
                    : ChannelData.HEADER_LENGTH + length);
            ChannelData.writeHeader(frame, channel, length);
            frame.writeBytes(payload, payload.readerIndex(), length);
            if (stream) {
                // RFC 8656 §12.5: over a stream the frame is padded to a multiple of 4 bytes.
                frame.writeZero(ChannelData.paddedLength(length) - ChannelData.HEADER_LENGTH - length);
            }
        } else {
            frame = ctx.alloc().directBuffer(StunMessage.HEADER_LENGTH + 24 + 4 + length + 3);
            TurnProtocol.randomTransactionId(transactionId);
            encoder.wrap(frame)
                    .header(StunMessageType.of(StunMethod.DATA, StunClass.INDICATION), transactionId)
                    .addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer)
                    .addBytes(StunAttributeType.DATA, payload, payload.readerIndex(), length)
                    .finish();
        }
        allocation.link.write(frame, allocation.client());
    }

    /**
     * ChannelData frames of one size for one client, read in one batch, leave in one UDP GSO send: the kernel
     * cuts the burst into datagrams, one per frame. A frame of another size starts a new burst.
     */
    private void addToBurst(ChannelHandlerContext ctx, int channel, ByteBuf payload, int length) {
        int size = ChannelData.HEADER_LENGTH + length;
        if (burst != null && (size != segmentSize || burst.writerIndex() + size > MAX_BURST_BYTES)) {
            sendBurst();
        }
        if (burst == null) {
            burst = ctx.alloc().directBuffer(Math.min(MAX_BURST_BYTES, size * Transports.DATAGRAMS_PER_READ));
            segmentSize = size;
        }
        ChannelData.writeHeader(burst, channel, length);
        burst.writeBytes(payload, payload.readerIndex(), length);
    }

    private void sendBurst() {
        if (burst == null) {
            return;
        }
        if (burst.writerIndex() == segmentSize) {
            allocation.link.write(burst, allocation.client());
        } else {
            allocation.link.writeSegments(burst, segmentSize, allocation.client());
            server.counters.increment(ServerCounter.RELAYED_TO_CLIENT_IN_BURSTS);
        }
        burst = null;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // One send per burst and one flush per read batch, not one per datagram.
        sendBurst();
        allocation.link.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (burst != null) {
            burst.release();
            burst = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors from unreachable peers surface here as PortUnreachableException: not fatal to the allocation.
        server.counters.increment(ServerCounter.UNREACHABLE);
    }
}
