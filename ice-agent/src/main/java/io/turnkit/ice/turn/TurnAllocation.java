package io.turnkit.ice.turn;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * An allocation the server granted (RFC 8656 §7.3).
 *
 * @param relayedAddress where peers send to reach the client (XOR-RELAYED-ADDRESS)
 * @param mappedAddress  the client's address as the server saw it (XOR-MAPPED-ADDRESS), or null if not sent
 * @param lifetime       how long the allocation lives unless refreshed (LIFETIME)
 */
public record TurnAllocation(InetSocketAddress relayedAddress, InetSocketAddress mappedAddress, Duration lifetime) {
}
