package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostCpuTest {
    private static final String STAT = "cpu  3110887 3810 1018599 7278978 2710 5 57277 420 0 0\n"
            + "cpu0 1555443 1905 509299 3639489 1355 2 28638 210 0 0\n"
            + "cpu1 1555444 1905 509300 3639489 1355 3 28639 210 0 0\n"
            + "intr 1 2 3\n";

    @Test
    void shouldTakeIdleAndIowaitAsIdleAndStealApartAndTheWallClockForEachCpu() {
        HostCpu cpu = HostCpu.parse(STAT, 10);
        assertEquals(20, cpu.capacitySeconds(), 1e-9);
        assertEquals((7278978 + 2710) / 100.0, cpu.idleSeconds(), 1e-9);
        assertEquals(4.2, cpu.stealSeconds(), 1e-9);
    }

    @Test
    void shouldCountAsBusyWhatWasNeitherIdleNorStolen() {
        // Two CPUs for 10 s, 12.5 s idle, 0.5 s stolen: 7 s of work, whatever the tick-sampled columns say.
        HostCpu busy = new HostCpu(120, 112.5, 1.5).since(new HostCpu(100, 100, 1));
        assertEquals(new HostCpu(20, 12.5, 0.5), busy);
        assertEquals(7, busy.busySeconds(), 1e-9);
    }

    @Test
    void shouldRefuseALineThatIsNotTheCpuTotal() {
        assertThrows(IllegalArgumentException.class, () -> HostCpu.parse("intr 1 2 3 4 5 6 7 8 9\n", 0));
    }
}
