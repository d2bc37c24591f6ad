package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ServerProcessTest {
    /** A real line, with a command name holding a space and a ")" to trip a naive split. */
    private static final String STAT = "4015 (java) x) S 1 4014 3998 34816 4014 4194560 47117 0 3 0 "
            + "1234 567 0 0 20 0 40 0 5290 6391164928 21564 18446744073709551615 1 1 0 0 0 0 4 0 16800975 0 0 0 "
            + "17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    @Test
    void shouldReadUserAndSystemTicksCountedFromTheLastParenthesis() {
        ServerProcess.CpuTimes cpu = ServerProcess.parseCpu(STAT);
        assertEquals(12.34, cpu.userSeconds(), 1e-9);
        assertEquals(5.67, cpu.systemSeconds(), 1e-9);
    }

    @Test
    void shouldRefuseAStatLineWithoutCommandName() {
        assertThrows(IllegalArgumentException.class, () -> ServerProcess.parseCpu("4015 java S 1"));
    }

    @Test
    void shouldReadVmRssInBytes() {
        String status = "Name:\tturnserver\nVmPeak:\t  900000 kB\nVmRSS:\t   86256 kB\nRssAnon:\t   60000 kB\n";
        assertEquals(86_256L * 1024, ServerProcess.parseResidentBytes(status));
    }

    @Test
    void shouldRefuseAStatusWithoutVmRss() {
        assertThrows(IllegalArgumentException.class, () -> ServerProcess.parseResidentBytes("Name:\tkthreadd\n"));
    }

    @Test
    void shouldReadThisProcessFromProc() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux /proc");
        ServerProcess self = ServerProcess.of(ProcessHandle.current().pid());
        assertTrue(self.cpu().totalSeconds() > 0);
        assertTrue(self.residentBytes() > 1 << 20);
    }
}
