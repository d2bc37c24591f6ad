package io.turnkit.ice.mdns;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

/**
 * A datagram {@link MulticastDns} wants sent from its port 5353 socket: to the mDNS group or, for a unicast answer,
 * to a querier. The driver owns {@code content} and releases it (a Netty write does).
 */
public record MdnsTransmit(InetSocketAddress destination, ByteBuf content) {
}
