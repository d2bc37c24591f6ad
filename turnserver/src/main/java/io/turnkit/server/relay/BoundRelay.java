package io.turnkit.server.relay;

import java.net.InetSocketAddress;

import io.turnkit.server.transport.UdpSocket;

/**
 * A relay socket bound on {@code relayedAddress}, whose datagrams go to {@code fromPeers}; its allocation relays
 * through it once {@link RelayResources#relayThrough} is called.
 */
public record BoundRelay(InetSocketAddress relayedAddress, UdpSocket socket, PeerDataHandler fromPeers) {
}
