package io.turnkit.ice.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;

/**
 * What a TURN client writes into its requests and reads from the answers (RFC 8656), the same for the blocking
 * {@link TurnClient} and the sans-I/O {@link TurnSession}.
 */
final class TurnMessages {
    /** A LIFETIME not to send: the server's default is wanted. */
    static final long DEFAULT_LIFETIME = -1;

    private TurnMessages() {
    }

    /** RFC 8656 §7.1: a UDP relay, for {@code lifetimeSeconds} unless it is {@link #DEFAULT_LIFETIME}. */
    static void allocate(StunMessageEncoder request, long lifetimeSeconds) {
        request.addRequestedTransport(StunAttributes.TRANSPORT_UDP);
        if (lifetimeSeconds != DEFAULT_LIFETIME) {
            request.addUint32(StunAttributeType.LIFETIME, lifetimeSeconds);
        }
    }

    /** RFC 8656 §10.1: permissions are per IP address; the port of XOR-PEER-ADDRESS is ignored (§9), so 0 is sent. */
    static void permission(StunMessageEncoder request, InetAddress peer) {
        request.addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer.getAddress(), 0);
    }

    /** RFC 8656 §12.1: CHANNEL-NUMBER and XOR-PEER-ADDRESS. */
    static void channelBind(StunMessageEncoder request, int channelNumber, InetSocketAddress peer) {
        request.addChannelNumber(channelNumber).addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer);
    }

    /** RFC 8656 §11.1: XOR-PEER-ADDRESS and DATA of a Send indication. */
    static void send(StunMessageEncoder indication, InetSocketAddress peer, byte[] data, int offset, int length) {
        indication.addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer)
                .addBytes(StunAttributeType.DATA, Unpooled.wrappedBuffer(data), offset, length);
    }

    /** RFC 8656 §12.4, §12.5: ChannelData at the writer index of {@code out}, padded to 4 bytes on a stream. */
    static void channelData(ByteBuf out, int channelNumber, byte[] data, int offset, int length, boolean stream) {
        ChannelData.writeHeader(out, channelNumber, length);
        out.writeBytes(data, offset, length);
        if (stream) {
            out.writeZero(ChannelData.paddedLength(length) - ChannelData.HEADER_LENGTH - length);
        }
    }

    /**
     * RFC 8656 §7.3: the allocation an Allocate success response grants; null when it lacks XOR-RELAYED-ADDRESS
     * or LIFETIME.
     */
    static TurnAllocation allocation(StunMessage success) {
        InetSocketAddress relayed = address(success, StunAttributeType.XOR_RELAYED_ADDRESS);
        long seconds = StunAttributes.uint32(success, success.findAttribute(StunAttributeType.LIFETIME));
        if (relayed == null || seconds < 0) {
            return null;
        }
        return new TurnAllocation(relayed, address(success, StunAttributeType.XOR_MAPPED_ADDRESS),
                Duration.ofSeconds(seconds));
    }

    /** An address attribute of {@code m}, un-XORed; null when absent or malformed. Allocates: control path only. */
    static InetSocketAddress address(StunMessage m, int type) {
        int attribute = m.findAttribute(type);
        return attribute < 0 ? null : new AddressAttribute().wrap(m, attribute).toSocketAddress();
    }
}
