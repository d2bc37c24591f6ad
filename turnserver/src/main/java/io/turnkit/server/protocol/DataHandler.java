package io.turnkit.server.protocol;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.relay.Relay;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.ChannelDataValidation;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunMessage;

/**
 * Data from the client to its peers: ChannelData (RFC 8656 §12.4) and Send indications (RFC 8656 §11.2).
 * Neither gets an answer, so anything wrong is counted and dropped. The packet path: it makes nothing per
 * frame but the payload's slice, which the relay socket's burst takes over.
 */
final class DataHandler {
    private final ClientLink link;
    private final ServerCounters counters;
    private final LiveSettings settings;
    private final ChannelData channelData = new ChannelData();
    private final AddressAttribute address = new AddressAttribute();

    DataHandler(ClientLink link, ServerCounters counters, LiveSettings settings) {
        this.link = link;
        this.counters = counters;
        this.settings = settings;
    }

    void onChannelData(ByteBuf frame, int offset, int length, InetSocketAddress client) {
        if (channelData.wrap(frame, offset, length).validate(link.isStream()) != ChannelDataValidation.VALID) {
            counters.increment(ServerCounter.MALFORMED_CHANNEL_DATA);
            return;
        }
        RelayAllocation allocation = link.allocation(client);
        if (allocation == null) {
            counters.increment(ServerCounter.NO_ALLOCATION);
            return;
        }
        long now = System.nanoTime();
        InetSocketAddress peer = allocation.peerOfChannel(channelData.channelNumber(), now);
        if (peer == null) {
            counters.increment(ServerCounter.NO_CHANNEL);
            return;
        }
        // ChannelBind bound the channel to a peer of a family the allocation relays (RFC 8656 §12.2).
        relayToPeer(allocation, allocation.relayFor(peer.getAddress()),
                frame.retainedSlice(channelData.dataOffset(), channelData.dataLength()), peer, now,
                ServerCounter.CHANNEL_DATA_TO_PEER, ServerCounter.CHANNEL_DATA_BYTES_TO_PEER);
    }

    /** RFC 8656 §11.2: a Send indication; anything wrong drops it silently (indications get no reply). */
    void onSend(StunMessage message, InetSocketAddress client) {
        RelayAllocation allocation = link.allocation(client);
        // RFC 6062 §5: a TCP allocation relays over its peers' connections, never datagrams.
        if (allocation == null || allocation.tcpRelay() != null) {
            counters.increment(ServerCounter.NO_ALLOCATION);
            return;
        }
        int peer = message.findAttribute(StunAttributeType.XOR_PEER_ADDRESS);
        int data = message.findAttribute(StunAttributeType.DATA);
        if (peer < 0 || data < 0 || !address.wrap(message, peer).isValid()) {
            counters.increment(ServerCounter.MALFORMED_STUN);
            return;
        }
        InetSocketAddress peerAddress = address.toSocketAddress();
        Relay relay = allocation.relayFor(peerAddress.getAddress());
        if (relay == null) {
            // RFC 8656 §11.2: an indication gets no 443; one to a peer of a family the allocation has no relayed
            // address of is dropped.
            counters.increment(ServerCounter.PEER_FAMILY_MISMATCH);
            return;
        }
        if (!settings.get().peerPolicy().isAllowed(peerAddress.getAddress())) {
            counters.increment(ServerCounter.PEER_DENIED);
            return;
        }
        long now = System.nanoTime();
        if (!allocation.hasPermission(peerAddress.getAddress(), now)) {
            counters.increment(ServerCounter.NO_PERMISSION);
            return;
        }
        relayToPeer(allocation, relay, message.buffer().retainedSlice(StunAttributes.valueOffset(data),
                StunAttributes.valueLength(message, data)), peerAddress, now, ServerCounter.SEND_TO_PEER,
                ServerCounter.SEND_BYTES_TO_PEER);
    }

    /** Relays {@code payload} from {@code relay}, counted in {@code packets} and {@code bytes}: the path it came by. */
    private void relayToPeer(RelayAllocation allocation, Relay relay, ByteBuf payload, InetSocketAddress peer,
            long now, ServerCounter packets, ServerCounter bytes) {
        int length = payload.readableBytes();
        if (!allocation.admitToPeer(length, now)) {
            payload.release();
            counters.increment(ServerCounter.OVER_BANDWIDTH);
            return;
        }
        link.relay(relay, payload, peer);
        counters.increment(packets);
        counters.add(bytes, length);
    }
}
