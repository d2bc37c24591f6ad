package io.turnkit.server.relay;

import java.net.InetSocketAddress;

import java.util.ArrayList;
import java.util.List;

import io.netty.util.collection.IntObjectHashMap;

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
        byPort.put(allocation.relayPort(), allocation);
    }

    void remove(RelayAllocation allocation) {
        if (byPort.get(allocation.relayPort()) == allocation) {
            byPort.remove(allocation.relayPort());
        }
    }

    /** What the admin interface shows of this loop's allocations, copied now. */
    public List<SessionSnapshot> snapshot(long nowNanos) {
        List<SessionSnapshot> sessions = new ArrayList<>(byPort.size());
        for (RelayAllocation allocation : byPort.values()) {
            sessions.add(SessionSnapshot.of(allocation, nowNanos));
        }
        return sessions;
    }

    /** The allocation of this loop whose relay port is {@code port}, or null. */
    public RelayAllocation atPort(int port) {
        return byPort.get(port);
    }

    /** The allocation of this loop relayed at {@code address}, or null. */
    public RelayAllocation at(InetSocketAddress address) {
        RelayAllocation allocation = byPort.get(address.getPort());
        return allocation != null && allocation.relayedAddress().equals(address) ? allocation : null;
    }
}
