package io.turnkit.store;

import static io.turnkit.store.TestAddresses.address;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Allocations for tests, with the RFC 8656 lifetimes. */
final class Allocations {
    static final long LIFETIME = TimeUnit.MINUTES.toNanos(10);
    static final InetSocketAddress SERVER = address("198.51.100.1", 3478);

    private Allocations() {
    }

    static FiveTuple fiveTuple(int clientPort) {
        return FiveTuple.of(TransportProtocol.UDP, address("192.0.2.1", clientPort), SERVER);
    }

    static Allocation allocation(int clientPort, int relayPort, long lifetimeNanos, long nowNanos) {
        return new Allocation(fiveTuple(clientPort), "alice", "example.org", address("198.51.100.1", relayPort),
                lifetimeNanos, nowNanos, Allocation.PERMISSION_LIFETIME_NANOS, Allocation.CHANNEL_LIFETIME_NANOS);
    }
}
