package io.turnkit.ice.agent;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

/**
 * A datagram the driver must send: from its socket {@code socketId} to {@code destination}. The driver owns
 * {@code content} from {@link IceAgent#pollTransmit()} on and releases it (a Netty write does).
 */
public record Transmit(int socketId, InetSocketAddress destination, ByteBuf content) {
}
