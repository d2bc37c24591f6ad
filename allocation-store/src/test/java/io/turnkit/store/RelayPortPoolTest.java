package io.turnkit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayPortPoolTest {

    @Test
    void shouldHandOutEveryPortOnceThenReportExhaustion() {
        RelayPortPool pool = new RelayPortPool(50000, 50009);

        Set<Integer> ports = drain(pool);

        assertEquals(Set.of(50000, 50001, 50002, 50003, 50004, 50005, 50006, 50007, 50008, 50009), ports);
        assertEquals(-1, pool.acquire());
        assertEquals(0, pool.available());
    }

    @Test
    void shouldCountCapacityAndAvailablePorts() {
        RelayPortPool pool = new RelayPortPool(50000, 50009);
        pool.acquire();

        assertEquals(10, pool.capacity());
        assertEquals(9, pool.available());
    }

    @Test
    void shouldMakeReleasedPortAvailableAgain() {
        RelayPortPool pool = new RelayPortPool(50000, 50000);
        int port = pool.acquire();

        pool.release(port);

        assertEquals(1, pool.available());
        assertEquals(port, pool.acquire());
    }

    @Test
    void shouldIgnoreSecondReleaseOfSamePort() {
        RelayPortPool pool = new RelayPortPool(50000, 50003);
        int port = pool.acquire();

        pool.release(port);
        pool.release(port);

        assertEquals(4, pool.available());
        assertEquals(4, drain(pool).size());
    }

    @Test
    void shouldIgnoreReleaseOutsideRange() {
        RelayPortPool pool = new RelayPortPool(50000, 50003);

        pool.release(49999);

        assertEquals(4, pool.available());
    }

    @Test
    void shouldAcquireOnlyEvenPortsWithAcquireEven() {
        RelayPortPool pool = new RelayPortPool(50001, 50010);

        Set<Integer> evens = new HashSet<>();
        for (int port; (port = pool.acquireEven()) != -1;) {
            evens.add(port);
        }

        assertEquals(Set.of(50002, 50004, 50006, 50008, 50010), evens);
        assertEquals(5, pool.available());
    }

    @Test
    void shouldFindNoEvenPortWhenOnlyOddPortsAreFree() {
        RelayPortPool pool = new RelayPortPool(50000, 50003);
        assertTrue(pool.acquireSpecific(50000));
        assertTrue(pool.acquireSpecific(50002));

        assertEquals(-1, pool.acquireEven());
    }

    @Test
    void shouldTakeNextPortTooWithAcquireEvenPair() {
        RelayPortPool pool = new RelayPortPool(50000, 50009);

        int port = pool.acquireEvenPair();

        assertEquals(0, port % 2);
        assertFalse(pool.acquireSpecific(port), "P is in use");
        assertFalse(pool.acquireSpecific(port + 1), "P+1 is reserved");
        assertEquals(8, pool.available());
    }

    @Test
    void shouldSkipPairWhoseUpperPortIsTaken() {
        RelayPortPool pool = new RelayPortPool(50000, 50003);
        assertTrue(pool.acquireSpecific(50001));
        assertTrue(pool.acquireSpecific(50003));

        assertEquals(-1, pool.acquireEvenPair());
        assertEquals(2, pool.available(), "a failed pair takes nothing");
    }

    @ParameterizedTest
    @CsvSource({"50000, 50000", "50001, 50002"})
    void shouldFindNoPairWhenUpperPortIsOutsideRange(int minPort, int maxPort) {
        RelayPortPool pool = new RelayPortPool(minPort, maxPort);

        assertEquals(-1, pool.acquireEvenPair());
    }

    @Test
    void shouldAcquireSpecificPortOnlyWhileFree() {
        RelayPortPool pool = new RelayPortPool(50000, 50009);

        assertTrue(pool.acquireSpecific(50005));
        assertFalse(pool.acquireSpecific(50005));
        pool.release(50005);
        assertTrue(pool.acquireSpecific(50005));
    }

    @Test
    void shouldRefuseSpecificPortOutsideRange() {
        RelayPortPool pool = new RelayPortPool(50000, 50009);

        assertFalse(pool.acquireSpecific(50010));
        assertEquals(10, pool.available());
    }

    @Test
    void shouldNeverHandOutPortTakenSpecifically() {
        RelayPortPool pool = new RelayPortPool(50000, 50001);
        assertTrue(pool.acquireSpecific(50000));

        assertEquals(50001, pool.acquire());
        assertEquals(-1, pool.acquire());
    }

    @Test
    void shouldHandOutSkippedPortAgainOnceReleased() {
        RelayPortPool pool = new RelayPortPool(50000, 50001);
        assertTrue(pool.acquireSpecific(50000));
        pool.acquire();
        assertEquals(-1, pool.acquire(), "the free-list entry of the port taken specifically is skipped");

        pool.release(50000);

        assertEquals(50000, pool.acquire());
    }

    @Test
    void shouldHandOutPortTakenSpecificallyAgainOnceReleased() {
        RelayPortPool pool = new RelayPortPool(50000, 50001);
        assertTrue(pool.acquireSpecific(50000));
        assertTrue(pool.acquireSpecific(50001));
        pool.release(50000);
        pool.release(50001);

        assertEquals(Set.of(50000, 50001), drain(pool));
    }

    @ParameterizedTest
    @CsvSource({"0, 10", "50000, 49999", "1, 65536"})
    void shouldRejectBadRange(int minPort, int maxPort) {
        assertThrows(IllegalArgumentException.class, () -> new RelayPortPool(minPort, maxPort));
    }

    /** Takes every port {@link RelayPortPool#acquire} will give, failing on a repeat. */
    static Set<Integer> drain(RelayPortPool pool) {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i <= pool.capacity(); i++) {
            int port = pool.acquire();
            if (port == -1) {
                return ports;
            }
            assertTrue(ports.add(port), "port handed out twice: " + port);
        }
        throw new AssertionError("pool handed out more ports than its capacity");
    }
}
