package io.turnkit.server.admin;

import java.util.List;

/**
 * The server at one instant, as {@code /api/status} reports it.
 *
 * @param listeners        the transports and addresses it listens on ({@code udp 127.0.0.1:3478})
 * @param loadAverage      the system's load average over the last minute, or a negative number where unknown
 * @param relayedToPeer    the datagrams relayed from clients to peers since start
 * @param relayedToClient  the datagrams relayed from peers to clients since start
 */
public record ServerStatus(String version, long uptimeSeconds, List<String> listeners, int allocations,
        double loadAverage, int processors, long relayedToPeer, long relayedToClient, boolean draining) {
}
