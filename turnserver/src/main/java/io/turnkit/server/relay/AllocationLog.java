package io.turnkit.server.relay;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.turnkit.server.transport.TransportAddresses;

/**
 * The operator's record of allocations: one INFO line when one is created, one when it closes, with the user,
 * the client's address and transport and the relayed address in both, so the two lines of one allocation are
 * found together, and in the second what it relayed each way and why it closed.
 */
public final class AllocationLog {
    private static final Logger LOG = LoggerFactory.getLogger(AllocationLog.class);

    private AllocationLog() {
    }

    /** The allocation relays from now on, for {@code lifetimeSeconds} unless refreshed. */
    public static void created(RelayAllocation allocation, long lifetimeSeconds) {
        if (LOG.isInfoEnabled()) {
            LOG.info("allocation created: {}, lifetime {} s", describe(allocation), lifetimeSeconds);
        }
    }

    static void closed(RelayAllocation allocation, AllocationEnd end, long nowNanos) {
        if (LOG.isInfoEnabled()) {
            LOG.info("allocation closed ({}): {}, lasted {} s, to peers {} bytes in {} packets, to the client {} "
                    + "bytes in {} packets", end, describe(allocation),
                    TimeUnit.NANOSECONDS.toSeconds(nowNanos - allocation.createdAt()), allocation.bytesToPeers(),
                    allocation.packetsToPeers(), allocation.bytesToClient(), allocation.packetsToClient());
        }
    }

    private static String describe(RelayAllocation allocation) {
        return "user " + allocation.username() + ", client " + TransportAddresses.format(allocation.client())
                + " over " + allocation.fiveTuple().transport().name().toLowerCase(Locale.ROOT)
                + ", relayed " + allocation.relays().stream().map(r -> TransportAddresses.format(r.relayedAddress()))
                        .collect(Collectors.joining(" and "));
    }
}
