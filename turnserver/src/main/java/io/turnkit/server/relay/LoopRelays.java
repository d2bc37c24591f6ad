package io.turnkit.server.relay;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * The allocations of one event loop by relayed transport address, so that a datagram one allocation sends to
 * another's relayed address on the same loop is handed over in memory: hairpinning (RFC 4787 §6) done by
 * the server rather than by two system calls and the kernel's loopback path. Both WebRTC endpoints relayed
 * through one server talk this way. TCP allocations (RFC 6062) are here too, by their relayed port, so that the
 * operator sees and closes them, and a revoked user's are found, as UDP ones are; they take no datagrams, so
 * {@link #at} never answers with one. Used only from its event loop.
 */
public final class LoopRelays {
    /** Relay ports are unique per server, so the port finds the allocation; the address confirms it. */
    private final IntObjectHashMap<RelayAllocation> byPort = new IntObjectHashMap<>();

    void add(RelayAllocation allocation) {
        for (InetSocketAddress relayed : allocation.relayedAddresses()) {
            byPort.put(relayed.getPort(), allocation);
        }
    }

    void remove(RelayAllocation allocation) {
        for (InetSocketAddress relayed : allocation.relayedAddresses()) {
            if (byPort.get(relayed.getPort()) == allocation) {
                byPort.remove(relayed.getPort());
            }
        }
    }

    /** What the admin interface shows of this loop's allocations, copied now. */
    public List<SessionSnapshot> snapshot(long nowNanos) {
        List<SessionSnapshot> sessions = new ArrayList<>(byPort.size());
        for (IntObjectMap.PrimitiveEntry<RelayAllocation> entry : byPort.entries()) {
            // A dual allocation is here under each of its ports: shown once, under its first.
            if (entry.value().relayedAddress().getPort() == entry.key()) {
                sessions.add(SessionSnapshot.of(entry.value(), nowNanos));
            }
        }
        return sessions;
    }

    /** This loop's allocations that {@code revoked} is true of, copied now. */
    public List<RelayAllocation> matching(Predicate<RelayAllocation> revoked) {
        List<RelayAllocation> found = new ArrayList<>();
        for (IntObjectMap.PrimitiveEntry<RelayAllocation> entry : byPort.entries()) {
            RelayAllocation allocation = entry.value();
            if (allocation.relayedAddress().getPort() == entry.key() && revoked.test(allocation)) {
                found.add(allocation);
            }
        }
        return found;
    }

    /** The allocation of this loop whose first relayed address has port {@code port}, or null. */
    public RelayAllocation atPort(int port) {
        RelayAllocation allocation = byPort.get(port);
        return allocation != null && allocation.relayedAddress().getPort() == port ? allocation : null;
    }

    /** The allocation of this loop relayed at {@code address}, or null. Allocates nothing. */
    public RelayAllocation at(InetSocketAddress address) {
        RelayAllocation allocation = byPort.get(address.getPort());
        if (allocation == null) {
            return null;
        }
        Relay relay = allocation.relayFor(address.getAddress());
        return relay != null && relay.relayedAddress().equals(address) ? allocation : null;
    }
}
