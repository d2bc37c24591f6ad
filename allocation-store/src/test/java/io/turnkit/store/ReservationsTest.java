package io.turnkit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ReservationsTest {
    private static final long HOLD = TimeUnit.SECONDS.toNanos(30);
    private static final long T0 = 1_000_000_000L;
    private static final InetAddress RELAY_IP = InetAddress.getLoopbackAddress();

    private final RelayPortPool pool = new RelayPortPool(50000, 50009);
    private final Reservations reservations = new Reservations(pool, HOLD);

    @Test
    void shouldClaimReservedPortWithinHoldTime() {
        int port = pool.acquireEvenPair();
        long token = reservations.reserve(port + 1, RELAY_IP, T0);

        assertEquals(port + 1, reservations.claim(token, T0 + HOLD - 1));
    }

    @Test
    void shouldClaimTokenOnlyOnce() {
        int port = pool.acquireEvenPair();
        long token = reservations.reserve(port + 1, RELAY_IP, T0);
        reservations.claim(token, T0);

        assertEquals(-1, reservations.claim(token, T0));
    }

    @Test
    void shouldKeepClaimedPortInUse() {
        int port = pool.acquireEvenPair();
        long token = reservations.reserve(port + 1, RELAY_IP, T0);
        reservations.claim(token, T0);
        reservations.expire(T0 + 2 * HOLD);

        assertFalse(pool.acquireSpecific(port + 1));
        assertEquals(8, pool.available());
    }

    @Test
    void shouldFailClaimAfterHoldTimeAndReturnPortToPool() {
        int port = pool.acquireEvenPair();
        long token = reservations.reserve(port + 1, RELAY_IP, T0);

        assertEquals(-1, reservations.claim(token, T0 + HOLD));
        assertEquals(9, pool.available());
        assertTrue(pool.acquireSpecific(port + 1));
    }

    @Test
    void shouldReturnLapsedPortToPoolOnExpire() {
        int port = pool.acquireEvenPair();
        reservations.reserve(port + 1, RELAY_IP, T0);

        reservations.expire(T0 + HOLD);

        assertEquals(0, reservations.size());
        assertEquals(9, pool.available());
    }

    @Test
    void shouldKeepReservationWithinHoldTimeOnExpire() {
        int port = pool.acquireEvenPair();
        long token = reservations.reserve(port + 1, RELAY_IP, T0);

        reservations.expire(T0 + HOLD - 1);

        assertEquals(1, reservations.size());
        assertEquals(port + 1, reservations.claim(token, T0 + HOLD - 1));
    }

    @Test
    void shouldNameTheRelayAddressOfATokenUntilItIsClaimed() throws Exception {
        InetAddress ipv6 = InetAddress.getByName("::1");
        int port = pool.acquireEvenPair();
        long token = reservations.reserve(port + 1, ipv6, T0);

        assertEquals(ipv6, reservations.relayAddress(token));
        reservations.claim(token, T0);
        assertNull(reservations.relayAddress(token));
    }

    @Test
    void shouldRefuseUnknownToken() {
        assertEquals(-1, reservations.claim(42L, T0));
    }

    @Test
    void shouldReservePortInUse() {
        int port = pool.acquire();

        long token = reservations.reserve(port, RELAY_IP, T0);

        assertEquals(port, reservations.claim(token, T0));
    }

    @Test
    void shouldRefuseToReserveFreePort() {
        assertThrows(IllegalArgumentException.class, () -> reservations.reserve(50000, RELAY_IP, T0));
    }

    @Test
    void shouldIssueDistinctTokens() {
        Set<Long> tokens = new HashSet<>();
        for (int port; (port = pool.acquire()) != -1;) {
            tokens.add(reservations.reserve(port, RELAY_IP, T0));
        }

        assertEquals(pool.capacity(), tokens.size());
    }
}
