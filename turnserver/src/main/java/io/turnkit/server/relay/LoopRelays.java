package io.turnkit.server.relay;

import java.net.InetSocketAddress;

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
