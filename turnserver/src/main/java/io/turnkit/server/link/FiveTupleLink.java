package io.turnkit.server.link;

import java.net.InetSocketAddress;

import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.relay.AllocationEnd;
import io.turnkit.server.relay.RelayAllocation;

/**
 * A link that is one 5-tuple, a TCP connection or a DTLS session (RFC 8656 §2), and so holds at most one
 * allocation, which lives no longer than the link.
 */
abstract class FiveTupleLink extends AbstractClientLink {
    private RelayAllocation allocation;

    FiveTupleLink(TurnServices services) {
        super(services);
    }

    @Override
    void expire() {
        if (allocation == null) {
            return;
        }
        long now = System.nanoTime();
        if (allocation.isExpired(now)) {
            relays.release(allocation, AllocationEnd.EXPIRED);
            allocation = null;
        } else {
            allocation.expireStale(now);
        }
    }

    /** The link is gone: so is its allocation (RFC 8656 §5: over TCP, it lives only as long as its connection). */
    final void releaseAllocation(AllocationEnd end) {
        if (allocation != null) {
            relays.release(allocation, end);
            allocation = null;
        }
    }

    final boolean hasAllocation() {
        return allocation != null;
    }

    @Override
    public RelayAllocation allocation(InetSocketAddress client) {
        return allocation;
    }

    @Override
    public void add(RelayAllocation newAllocation) {
        allocation = newAllocation;
    }

    @Override
    public void remove(RelayAllocation removed) {
        if (allocation == removed) {
            allocation = null;
        }
    }
}
