package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostCpuTest {
    @Test
    void shouldAddUserNiceSystemIrqAndSoftirqAsBusyAndReadStealApart() {
        HostCpu cpu = HostCpu.parse("cpu  3110887 3810 1018599 7278978 2710 5 57277 420 0 0\n"
                + "cpu0 1555443 1905 509299 3639489 1355 2 28638 210 0 0\n");
        assertEquals((3110887 + 3810 + 1018599 + 5 + 57277) / 100.0, cpu.busySeconds(), 1e-9);
        assertEquals(4.2, cpu.stealSeconds(), 1e-9);
    }

    @Test
    void shouldTakeTheDifferenceOfTwoReadings() {
        HostCpu before = new HostCpu(100, 1);
        assertEquals(new HostCpu(12.5, 0.5), new HostCpu(112.5, 1.5).since(before));
    }

    @Test
    void shouldRefuseALineThatIsNotTheCpuTotal() {
        assertThrows(IllegalArgumentException.class, () -> HostCpu.parse("intr 1 2 3 4 5 6 7 8 9\n"));
    }
}
