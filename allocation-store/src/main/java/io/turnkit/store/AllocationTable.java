package io.turnkit.store;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The allocations of one event loop, found by 5-tuple (a packet from a client, RFC 8656 §5) and by
 * relayed transport address (a packet from a peer). Owned by that event loop: not thread-safe.
 *
 * <p>The lookups allocate nothing; {@link #get(TransportProtocol, InetSocketAddress, InetSocketAddress)}
 * reuses one probe key, which is safe because only the owning thread calls it.
 *
 * @param <A> the allocation type the server keeps
 */
public final class AllocationTable<A extends Allocation> {
    private final Map<FiveTuple, A> byFiveTuple = new HashMap<>();
    private final Map<InetSocketAddress, A> byRelayedAddress = new HashMap<>();
    private final FiveTupleProbe probe = new FiveTupleProbe();
    private final List<A> expired = new ArrayList<>();

    /**
     * Adds an allocation.
     *
     * @throws IllegalArgumentException when its 5-tuple or its relayed address is already in the table
     *     (RFC 8656 §7.2: the server answers 437 Allocation Mismatch before it gets here)
     */
    public void add(A allocation) {
        FiveTuple fiveTuple = allocation.fiveTuple();
        InetSocketAddress relayed = allocation.relayedAddress();
        if (byFiveTuple.containsKey(fiveTuple)) {
            throw new IllegalArgumentException("an allocation already exists for " + fiveTuple);
        }
        if (byRelayedAddress.containsKey(relayed)) {
            throw new IllegalArgumentException("relayed address " + relayed + " is already in use");
        }
        byFiveTuple.put(fiveTuple, allocation);
        byRelayedAddress.put(relayed, allocation);
    }

    /** The allocation of this 5-tuple, or null. */
    public A get(FiveTuple key) {
        return byFiveTuple.get(key);
    }

    /** The allocation of the 5-tuple made of these parts, or null. Allocates nothing. */
    public A get(TransportProtocol transport, InetSocketAddress client, InetSocketAddress server) {
        A allocation = byFiveTuple.get(probe.set(transport, client, server));
        probe.clear();
        return allocation;
    }

    /** The allocation whose relayed transport address this is, or null. Allocates nothing. */
    public A byRelayedAddress(InetSocketAddress relayed) {
        return byRelayedAddress.get(relayed);
    }

    /** Removes this allocation; false when it was not in the table. */
    public boolean remove(A allocation) {
        if (!byFiveTuple.remove(allocation.fiveTuple(), allocation)) {
            return false;
        }
        byRelayedAddress.remove(allocation.relayedAddress(), allocation);
        return true;
    }

    /**
     * Removes every allocation that has expired and hands each to {@code onExpired}, for the caller to
     * free what it holds (relay port, socket, quota); on the allocations that remain, drops expired
     * permissions and channel bindings ({@link Allocation#expireStale}). The callback runs after the
     * allocation has left the table and may change the table.
     *
     * @return how many allocations were removed
     */
    public int expire(long nowNanos, Consumer<A> onExpired) {
        Objects.requireNonNull(onExpired, "onExpired");
        for (A allocation : byFiveTuple.values()) {
            if (allocation.isExpired(nowNanos)) {
                expired.add(allocation);
            } else {
                allocation.expireStale(nowNanos);
            }
        }
        int removed = expired.size();
        try {
            for (int i = 0; i < removed; i++) {
                A allocation = expired.get(i);
                remove(allocation);
                onExpired.accept(allocation);
            }
        } finally {
            expired.clear();
        }
        return removed;
    }

    /** How many allocations the table holds. */
    public int size() {
        return byFiveTuple.size();
    }

    /** Hands every allocation to {@code action}, which must not add to or remove from the table. */
    public void forEach(Consumer<A> action) {
        byFiveTuple.values().forEach(action);
    }

    /**
     * A key that {@link HashMap#get} accepts in place of a {@link FiveTuple}: same hash, and equal to
     * any 5-tuple made of the same parts. Never stored in a map; reused for every lookup.
     */
    private static final class FiveTupleProbe {
        private TransportProtocol transport;
        private InetSocketAddress client;
        private InetSocketAddress server;

        FiveTupleProbe set(TransportProtocol newTransport, InetSocketAddress newClient,
                InetSocketAddress newServer) {
            transport = Objects.requireNonNull(newTransport, "transport");
            client = Objects.requireNonNull(newClient, "client");
            server = Objects.requireNonNull(newServer, "server");
            return this;
        }

        void clear() {
            transport = null;
            client = null;
            server = null;
        }

        @Override
        public int hashCode() {
            return FiveTuple.hash(transport, client, server);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof FiveTuple fiveTuple && fiveTuple.matches(transport, client, server);
        }
    }
}
