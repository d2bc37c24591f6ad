package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

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

    /** Two sockets of the server among others', as /proc/net/udp lists them (drops last). */
    private static final String UDP_TABLE = "   sl  local_address rem_address   st tx_queue rx_queue tr"
            + " tm->when retrnsmt   uid  timeout inode ref pointer drops            \n"
            + "  674: 0100007F:9106 0100007F:0DFA 01 00000000:00000000 00:00000000 00000000     0        0 22343570 2"
            + " 00000000eb5ed3f2 0      \n"
            + " 1488: 0100007F:0D96 00000000:0000 07 00000000:00051C00 00:00000000 00000000     0        0 22329934 2"
            + " 00000000c10a361d 4117   \n"
            + " 1636: 0100007F:2710 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 22329940 2"
            + " 00000000c10a3700 12     \n";

    @Test
    void shouldReadTheDropsOfTheServersSocketsOnly() {
        assertEquals(Map.of(22329934L, 4117L, 22329940L, 12L),
                ServerProcess.parseUdpDrops(UDP_TABLE, Set.of(22329934L, 22329940L, 999L)));
    }

    @Test
    void shouldCountDropsSinceTheEarlierReadingWithNewSocketsFromZero() {
        Map<Long, Long> before = Map.of(1L, 100L, 2L, 5L, 3L, 7L);
        Map<Long, Long> after = Map.of(1L, 130L, 2L, 5L, 4L, 9L);
        // Socket 1: 30 more; socket 2: none; socket 3 closed (its drops are gone with it); socket 4 new: 9.
        assertEquals(39, ServerProcess.dropsBetween(before, after));
    }

    @Test
    void shouldReadThisProcessesThreadsAndSockets() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/task")), "Linux /proc");
        ServerProcess self = ServerProcess.of(ProcessHandle.current().pid());
        assertTrue(self.threadTicks().size() > 1, "a JVM has more than one thread");
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Map<Long, Long> drops = self.udpDrops();
            assertTrue(socket.isBound() && !drops.isEmpty(), "the socket just opened is among the process's");
            assertEquals(0L, drops.values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
