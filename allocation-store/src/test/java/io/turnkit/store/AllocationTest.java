package io.turnkit.store;

import static io.turnkit.store.Allocations.LIFETIME;
import static io.turnkit.store.Allocations.allocation;
import static io.turnkit.store.TestAddresses.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class AllocationTest {
    private static final long T0 = 5_000_000_000L;
    private static final long PERMISSION = Allocation.PERMISSION_LIFETIME_NANOS;
    private static final InetAddress PEER = ip("203.0.113.7");

    private final Allocation allocation = allocation(40000, 50000, LIFETIME, T0);

    @Test
    void shouldLiveUntilItsLifetimeEnds() {
        assertFalse(allocation.isExpired(T0 + LIFETIME - 1));
        assertTrue(allocation.isExpired(T0 + LIFETIME));
        assertEquals(T0 + LIFETIME, allocation.expiresAt());
    }

    @Test
    void shouldLiveForNewLifetimeAfterRefresh() {
        long refreshedAt = T0 + TimeUnit.MINUTES.toNanos(8);

        allocation.refresh(LIFETIME, refreshedAt);

        assertFalse(allocation.isExpired(refreshedAt + LIFETIME - 1));
        assertTrue(allocation.isExpired(refreshedAt + LIFETIME));
    }

    @Test
    void shouldExpireAtOnceWhenRefreshedWithZeroLifetime() {
        allocation.refresh(0, T0 + 1);

        assertTrue(allocation.isExpired(T0 + 1));
    }

    @Test
    void shouldCompareTimesAcrossNanoTimeWrap() {
        long beforeWrap = Long.MAX_VALUE - TimeUnit.MINUTES.toNanos(1);
        Allocation wrapping = allocation(40001, 50001, LIFETIME, beforeWrap);

        assertFalse(wrapping.isExpired(beforeWrap + LIFETIME - 1), "still alive after the clock wrapped");
        assertTrue(wrapping.isExpired(beforeWrap + LIFETIME));
    }

    @Test
    void shouldHoldPermissionForThreeHundredSeconds() {
        allocation.installPermission(PEER, T0);

        assertTrue(allocation.hasPermission(PEER, T0 + PERMISSION - 1));
        assertFalse(allocation.hasPermission(PEER, T0 + PERMISSION));
    }

    @Test
    void shouldHaveNoPermissionForOtherAddress() {
        allocation.installPermission(PEER, T0);

        assertFalse(allocation.hasPermission(ip("203.0.113.8"), T0));
    }

    @Test
    void shouldKeepIpv6PermissionApartFromIpv4() {
        allocation.installPermission(ip("2001:db8::7"), T0);

        assertTrue(allocation.hasPermission(ip("2001:db8:0:0::7"), T0));
        assertFalse(allocation.hasPermission(PEER, T0));
    }

    @Test
    void shouldRestartPermissionLifetimeOnRefresh() {
        allocation.installPermission(PEER, T0);
        long refreshedAt = T0 + TimeUnit.SECONDS.toNanos(200);

        allocation.installPermission(PEER, refreshedAt);

        assertTrue(allocation.hasPermission(PEER, refreshedAt + PERMISSION - 1));
        assertFalse(allocation.hasPermission(PEER, refreshedAt + PERMISSION));
        assertEquals(1, allocation.permissionCount());
    }

    @Test
    void shouldDropOnlyExpiredPermissionsOnExpireStale() {
        allocation.installPermission(PEER, T0);
        allocation.installPermission(ip("203.0.113.8"), T0 + TimeUnit.SECONDS.toNanos(100));

        allocation.expireStale(T0 + PERMISSION);

        assertEquals(1, allocation.permissionCount());
        assertTrue(allocation.hasPermission(ip("203.0.113.8"), T0 + PERMISSION));
    }

    @Test
    void shouldRejectNonPositivePermissionLifetime() {
        assertThrows(IllegalArgumentException.class, () -> new Allocation(Allocations.fiveTuple(40000), "alice",
                "example.org", TestAddresses.address("198.51.100.1", 50000), LIFETIME, T0, 0,
                Allocation.CHANNEL_LIFETIME_NANOS));
    }
}
