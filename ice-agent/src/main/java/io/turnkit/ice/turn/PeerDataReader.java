package io.turnkit.ice.turn;

import java.net.InetSocketAddress;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.ChannelDataValidation;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunMessage;

/**
 * Finds the application data a peer sent through the relay in a frame from the server: ChannelData on a bound
 * channel (RFC 8656 §12.6) or a Data indication (§11.4). One instance per client, re-used for every frame; after a
 * {@link Result#DATA} result, {@link #peer()}, {@link #dataOffset()} and {@link #dataLength()} describe the data.
 */
final class PeerDataReader {
    /** What a frame turned out to be. */
    enum Result {
        DATA,
        /** Not ChannelData with a valid header, nor a Data indication with XOR-PEER-ADDRESS and DATA. */
        MALFORMED,
        /** ChannelData on a channel this client has not bound. */
        UNKNOWN_CHANNEL
    }

    private final ChannelData channelData = new ChannelData();
    private final AddressAttribute peerAddress = new AddressAttribute();
    private InetSocketAddress peer;
    private int dataOffset;
    private int dataLength;

    /**
     * Reads ChannelData; {@code stream} when it came over TCP or TLS, where it is padded (§12.5).
     *
     * @param channelPeer the peer bound to a channel number, or null
     */
    Result channelData(ByteBuf buffer, int offset, int length, boolean stream,
            IntFunction<InetSocketAddress> channelPeer) {
        if (channelData.wrap(buffer, offset, length).validate(stream) != ChannelDataValidation.VALID) {
            return Result.MALFORMED;
        }
        peer = channelPeer.apply(channelData.channelNumber());
        if (peer == null) {
            return Result.UNKNOWN_CHANNEL;
        }
        dataOffset = channelData.dataOffset();
        dataLength = channelData.dataLength();
        return Result.DATA;
    }

    /** Reads a validated Data indication {@code indication}. */
    Result dataIndication(StunMessage indication) {
        int data = indication.findAttribute(StunAttributeType.DATA);
        int address = indication.findAttribute(StunAttributeType.XOR_PEER_ADDRESS);
        if (data < 0 || address < 0 || !peerAddress.wrap(indication, address).isValid()) {
            return Result.MALFORMED;
        }
        peer = peerAddress.toSocketAddress();
        dataOffset = StunAttributes.valueOffset(data);
        dataLength = StunAttributes.valueLength(indication, data);
        return Result.DATA;
    }

    /** Whether the first byte of a frame is ChannelData's (RFC 7983 §7: 64-79), rather than STUN's (0-3). */
    static boolean isChannelData(int firstByte) {
        return firstByte >= 64 && firstByte <= 79;
    }

    /** Whether the first byte of a frame is STUN's (RFC 7983 §7: 0-3). */
    static boolean isStun(int firstByte) {
        return firstByte >= 0 && firstByte <= 3;
    }

    InetSocketAddress peer() {
        return peer;
    }

    /** The absolute index of the data in the frame's buffer. */
    int dataOffset() {
        return dataOffset;
    }

    int dataLength() {
        return dataLength;
    }
}
