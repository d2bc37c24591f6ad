package io.turnkit.server.relay;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * The allocations of one event loop by relayed transport address, so that a datagram one allocation sends to
 * another's relayed address on the same loop is handed over in memory: hairpinning (RFC 4787 §6) done by
 * the server rather than by two system calls and the kernel's loopback path. Both WebRTC endpoints relayed
 * through one server talk this way. Used only from its event loop.
 */
public final class LoopRelays {
    /** Relay ports are unique per server, so the port finds the allocation; the address confirms it. */
    private final IntObjectHashMap<RelayAllocation> byPort = new IntObjectHashMap<>();

    void add(RelayAllocation allocation) {
        for (Relay relay : allocation.relays()) {
            byPort.put(relay.port(), allocation);
        }
    }

    void remove(RelayAllocation allocation) {
        for (Relay relay : allocation.relays()) {
            if (byPort.get(relay.port()) == allocation) {
                byPort.remove(relay.port());
            }
        }
    }

    /** What the admin interface shows of this loop's allocations, copied now. */
    public List<SessionSnapshot> snapshot(long nowNanos) {
        List<SessionSnapshot> sessions = new ArrayList<>(byPort.size());
        for (IntObjectMap.PrimitiveEntry<RelayAllocation> entry : byPort.entries()) {
            // A dual allocation is here under each of its ports: shown once, under its first.
            if (entry.value().relay().port() == entry.key()) {
                sessions.add(SessionSnapshot.of(entry.value(), nowNanos));
            }
        }
        return sessions;
    }

    /** This loop's allocations of the user {@code username} of {@code realm}, copied now. */
    public List<RelayAllocation> ofUser(String realm, String username) {
        List<RelayAllocation> found = new ArrayList<>();
        for (IntObjectMap.PrimitiveEntry<RelayAllocation> entry : byPort.entries()) {
            RelayAllocation allocation = entry.value();
            if (allocation.relay().port() == entry.key() && allocation.username().equals(username)
                    && allocation.realm().equals(realm)) {
                found.add(allocation);
            }
        }
        return found;
    }

    /** The allocation of this loop whose first relay's port is {@code port}, or null. */
    public RelayAllocation atPort(int port) {
        RelayAllocation allocation = byPort.get(port);
        return allocation != null && allocation.relay().port() == port ? allocation : null;
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
