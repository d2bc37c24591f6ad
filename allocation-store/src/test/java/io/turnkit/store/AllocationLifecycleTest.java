package io.turnkit.store;

import static io.turnkit.store.TestAddresses.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Allocations come and go through the pool, the reservations, the quotas and the table together;
 * after many cycles nothing may be left behind.
 */
class AllocationLifecycleTest {
    private static final int CYCLES = 10_000;
    private static final int RESERVATION_SWEEP_CYCLES = 50;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final InetSocketAddress SERVER = address("198.51.100.1", 3478);
    private static final InetAddress RELAY_IP = SERVER.getAddress();

    private final RelayPortPool pool = new RelayPortPool(50000, 50255);
    private final Reservations reservations = new Reservations(pool, Reservations.DEFAULT_HOLD_NANOS);
    private final Quotas quotas = new Quotas(12, 40);
    private final AllocationTable<Allocation> table = new AllocationTable<>();
    private final Deque<Long> tokens = new ArrayDeque<>();
    private final SplittableRandom random = new SplittableRandom(8656);
    // Starts two hours before System.nanoTime() would wrap, so the run crosses the wrap.
    private long now = Long.MAX_VALUE - TimeUnit.HOURS.toNanos(2);

    private int plain;
    private int evenPairs;
    private int claimed;
    private int lapsed;
    private int refusedByQuota;
    private int expired;

    @Test
    void shouldLeaveEveryPortInPoolAndNothingInTableAfterTenThousandCycles() {
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            allocate(cycle);
            now += SECOND;
            expired += table.expire(now, this::free);
            // Swept now and then, as a timer would: claims also meet reservations that lapsed unswept.
            if (cycle % RESERVATION_SWEEP_CYCLES == 0) {
                reservations.expire(now);
            }
        }
        now += TimeUnit.HOURS.toNanos(1);
        expired += table.expire(now, this::free);
        reservations.expire(now);

        assertEquals(pool.capacity(), pool.available());
        assertEquals(0, table.size());
        assertEquals(0, quotas.total());
        assertEquals(0, reservations.size());
        assertEquals(pool.capacity(), RelayPortPoolTest.drain(pool).size());
        // The mix really happened.
        assertTrue(plain > 1000 && evenPairs > 1000 && claimed > 1000, plain + "/" + evenPairs + "/" + claimed);
        assertTrue(lapsed > 0 && refusedByQuota > 0 && expired > 5000, lapsed + "/" + refusedByQuota + "/" + expired);
    }

    private void allocate(int cycle) {
        int port = takePort();
        if (port == -1) {
            return;
        }
        String username = "user" + random.nextInt(4);
        if (quotas.acquire(username) != Quotas.Verdict.GRANTED) {
            refusedByQuota++;
            pool.release(port);
            return;
        }
        InetSocketAddress client = address("192.0.2." + (1 + cycle % 250), 1024 + cycle);
        Allocation allocation = new Allocation(FiveTuple.of(TransportProtocol.UDP, client, SERVER), username,
                "example.org", address("198.51.100.1", port), (1 + random.nextInt(120)) * SECOND, now,
                Allocation.PERMISSION_LIFETIME_NANOS, Allocation.CHANNEL_LIFETIME_NANOS);
        allocation.bindChannel(Allocation.FIRST_CHANNEL_NUMBER + random.nextInt(16), address("203.0.113.7", 6000),
                now);
        table.add(allocation);
    }

    /** One relay port taken the way an Allocate request would: plain, EVEN-PORT R=1, or by token. */
    private int takePort() {
        switch (random.nextInt(3)) {
            case 0 -> {
                int port = pool.acquireEvenPair();
                if (port != -1) {
                    evenPairs++;
                    tokens.addLast(reservations.reserve(port + 1, RELAY_IP, now));
                }
                return port;
            }
            case 1 -> {
                // Claimed out of order at random, so some tokens wait past their 30 s and lapse.
                Long token = random.nextBoolean() ? tokens.pollFirst() : tokens.pollLast();
                if (token != null) {
                    int port = reservations.claim(token, now);
                    if (port != -1) {
                        claimed++;
                        return port;
                    }
                    lapsed++;
                }
                return -1;
            }
            default -> {
                int port = pool.acquire();
                if (port != -1) {
                    plain++;
                }
                return port;
            }
        }
    }

    private void free(Allocation allocation) {
        pool.release(allocation.relayedAddress().getPort());
        quotas.release(allocation.username());
    }
}
