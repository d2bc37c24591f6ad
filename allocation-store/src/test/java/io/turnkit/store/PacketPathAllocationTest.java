package io.turnkit.store;

import static io.turnkit.store.Allocations.LIFETIME;
import static io.turnkit.store.Allocations.SERVER;
import static io.turnkit.store.Allocations.allocation;
import static io.turnkit.store.TestAddresses.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** The lookups made for each relayed packet allocate no memory. */
class PacketPathAllocationTest {
    private static final long T0 = 11_000_000_000L;
    private static final int LOOKUPS = 20_000;
    // Far below one object per lookup (16 bytes at least): what the measuring itself may cost.
    private static final long ALLOWED_BYTES = 1024;

    @Test
    void shouldLookUpAllocationPermissionAndChannelWithoutAllocating() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        AllocationTable<Allocation> table = new AllocationTable<>();
        Allocation allocation = allocation(40000, 50000, LIFETIME, T0);
        table.add(allocation);
        InetSocketAddress client = address("192.0.2.1", 40000);
        InetSocketAddress relayed = allocation.relayedAddress();
        InetSocketAddress peer = address("203.0.113.7", 6000);
        InetAddress peerIp = peer.getAddress();
        allocation.bindChannel(0x4000, peer, T0);

        int hits = lookUp(table, client, relayed, peer, peerIp);
        long before = threads.getCurrentThreadAllocatedBytes();
        hits += lookUp(table, client, relayed, peer, peerIp);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(2 * 5 * LOOKUPS, hits);
        assertTrue(allocated < ALLOWED_BYTES, allocated + " bytes allocated by " + 5 * LOOKUPS + " lookups");
    }

    private static int lookUp(AllocationTable<Allocation> table, InetSocketAddress client,
            InetSocketAddress relayed, InetSocketAddress peer, InetAddress peerIp) {
        int hits = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            Allocation found = table.get(TransportProtocol.UDP, client, SERVER);
            hits += found != null ? 1 : 0;
            hits += table.byRelayedAddress(relayed) == found ? 1 : 0;
            hits += found.hasPermission(peerIp, T0) ? 1 : 0;
            hits += found.peerOfChannel(0x4000, T0) == peer ? 1 : 0;
            hits += found.channelOfPeer(peer, T0) == 0x4000 ? 1 : 0;
        }
        return hits;
    }
}
