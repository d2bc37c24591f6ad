package io.turnkit.server.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.turnkit.store.TransportProtocol;

/**
 * One allocation as the admin interface shows it, copied on the allocation's own event loop so that whoever
 * reads it never touches allocation state from another thread.
 *
 * @param id           the first relay's port: unique among the server's allocations while this one lives
 * @param relayed      every relayed address, the first one first (two for a dual allocation)
 * @param peers        the peers' IP addresses holding a permission (RFC 8656 §9)
 * @param ageSeconds   how long ago the allocation was made
 */
public record SessionSnapshot(int id, String username, InetSocketAddress client, TransportProtocol transport,
        List<InetSocketAddress> relayed, List<InetAddress> peers, long bytesToPeers, long packetsToPeers,
        long bytesToClient, long packetsToClient, long ageSeconds) {

    static SessionSnapshot of(RelayAllocation allocation, long nowNanos) {
        return new SessionSnapshot(allocation.relayedAddress().getPort(), allocation.username(), allocation.client(),
                allocation.fiveTuple().transport(), allocation.relayedAddresses(),
                allocation.permittedPeers(nowNanos),
                allocation.bytesToPeers(), allocation.packetsToPeers(), allocation.bytesToClient(),
                allocation.packetsToClient(), TimeUnit.NANOSECONDS.toSeconds(nowNanos - allocation.createdAt()));
    }
}
