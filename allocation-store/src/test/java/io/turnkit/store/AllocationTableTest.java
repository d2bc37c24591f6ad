package io.turnkit.store;

import static io.turnkit.store.Allocations.LIFETIME;
import static io.turnkit.store.Allocations.SERVER;
import static io.turnkit.store.Allocations.allocation;
import static io.turnkit.store.TestAddresses.address;
import static io.turnkit.store.TestAddresses.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AllocationTableTest {
    private static final long T0 = 9_000_000_000L;

    private final AllocationTable<Allocation> table = new AllocationTable<>();
    private final Allocation first = allocation(40000, 50000, LIFETIME, T0);
    private final Allocation second = allocation(40001, 50001, 2 * LIFETIME, T0);

    @Test
    void shouldFindAllocationByFiveTuple() {
        table.add(first);
        table.add(second);

        assertSame(first, table.get(Allocations.fiveTuple(40000)));
        assertSame(second, table.get(Allocations.fiveTuple(40001)));
        assertNull(table.get(Allocations.fiveTuple(40002)));
    }

    @Test
    void shouldFindAllocationByFiveTupleParts() {
        table.add(first);

        assertSame(first, table.get(TransportProtocol.UDP, address("192.0.2.1", 40000), SERVER));
    }

    @Test
    void shouldFindNothingForPartsOfAnotherFiveTuple() {
        table.add(first);

        assertNull(table.get(TransportProtocol.TCP, address("192.0.2.1", 40000), SERVER));
        assertNull(table.get(TransportProtocol.UDP, address("192.0.2.2", 40000), SERVER));
        assertNull(table.get(TransportProtocol.UDP, address("192.0.2.1", 40000), address("198.51.100.2", 3478)));
    }

    @Test
    void shouldFindAllocationByRelayedAddress() {
        table.add(first);
        table.add(second);

        assertSame(second, table.byRelayedAddress(address("198.51.100.1", 50001)));
        assertNull(table.byRelayedAddress(address("198.51.100.1", 50002)));
    }

    @Test
    void shouldRefuseSecondAllocationForSameFiveTuple() {
        table.add(first);

        assertThrows(IllegalArgumentException.class, () -> table.add(allocation(40000, 50005, LIFETIME, T0)));
        assertNull(table.byRelayedAddress(address("198.51.100.1", 50005)), "a refused add changes nothing");
    }

    @Test
    void shouldRefuseSecondAllocationForSameRelayedAddress() {
        table.add(first);

        assertThrows(IllegalArgumentException.class, () -> table.add(allocation(40005, 50000, LIFETIME, T0)));
        assertEquals(1, table.size());
    }

    @Test
    void shouldRemoveAllocationFromBothLookups() {
        table.add(first);
        table.add(second);

        assertTrue(table.remove(first));

        assertNull(table.get(first.fiveTuple()));
        assertNull(table.byRelayedAddress(first.relayedAddress()));
        assertEquals(1, table.size());
    }

    @Test
    void shouldNotRemoveAllocationTwice() {
        table.add(first);
        table.remove(first);

        assertFalse(table.remove(first));
    }

    @Test
    void shouldNotRemoveOtherAllocationWithSameFiveTuple() {
        table.add(first);

        assertFalse(table.remove(allocation(40000, 50000, LIFETIME, T0)));
        assertSame(first, table.get(first.fiveTuple()));
    }

    @Test
    void shouldRemoveExpiredAllocationsAndHandEachToCallback() {
        table.add(first);
        table.add(second);
        List<Allocation> expired = new ArrayList<>();

        int removed = table.expire(T0 + LIFETIME, expired::add);

        assertEquals(1, removed);
        assertEquals(List.of(first), expired);
        assertNull(table.get(first.fiveTuple()));
        assertSame(second, table.get(second.fiveTuple()));
    }

    @Test
    void shouldDropStalePermissionsOfAllocationsThatRemain() {
        table.add(second);
        second.installPermission(ip("203.0.113.7"), T0);

        table.expire(T0 + Allocation.PERMISSION_LIFETIME_NANOS, allocation -> { });

        assertEquals(0, second.permissionCount());
    }

    @Test
    void shouldLetCallbackChangeTable() {
        table.add(first);
        Allocation replacement = allocation(40009, 50009, LIFETIME, T0 + LIFETIME);

        table.expire(T0 + LIFETIME, expired -> table.add(replacement));

        assertEquals(1, table.size());
        assertSame(replacement, table.byRelayedAddress(replacement.relayedAddress()));
    }

    @Test
    void shouldVisitEveryAllocation() {
        table.add(first);
        table.add(second);
        Set<Allocation> visited = new HashSet<>();

        table.forEach(visited::add);

        assertEquals(Set.of(first, second), visited);
    }
}
