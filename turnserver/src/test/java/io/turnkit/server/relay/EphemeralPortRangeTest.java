package io.turnkit.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start warning for a relay range that overlaps Linux's ephemeral ports, from a range file as /proc has it. */
class EphemeralPortRangeTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadTheRangeAsLinuxWritesIt() throws IOException {
        assertEquals(Optional.of(new EphemeralPortRange(32768, 60999)), EphemeralPortRange.read(file("32768\t60999\n")));
    }

    @Test
    void shouldWarnAboutAnOverlapWithTheWayOut() throws IOException {
        Optional<String> warning = EphemeralPortRange.overlapWarning(file("32768\t60999\n"), 49152, 65535);

        assertEquals(Optional.of("relay ports 49152-65535 overlap the ephemeral ports 32768-60999 "
                + "(net.ipv4.ip_local_port_range) the host gives other programs' sockets: relay ports they hold are "
                + "skipped, and fewer are left. Reserve the relay ports with sysctl -w "
                + "net.ipv4.ip_local_reserved_ports=49152-65535 (and in /etc/sysctl.d/ to keep it), or set --min-port "
                + "and --max-port outside 32768-60999"), warning);
    }

    @Test
    void shouldWarnAboutARangeThatOnlyTouchesTheEphemeralOnes() throws IOException {
        assertTrue(EphemeralPortRange.overlapWarning(file("32768 60999"), 20000, 32768).isPresent());
        assertTrue(EphemeralPortRange.overlapWarning(file("32768 60999"), 60999, 65535).isPresent());
    }

    @Test
    void shouldNotWarnAboutARangeOutsideTheEphemeralOnes() throws IOException {
        assertEquals(Optional.empty(), EphemeralPortRange.overlapWarning(file("32768\t60999\n"), 61000, 65535));
        assertEquals(Optional.empty(), EphemeralPortRange.overlapWarning(file("32768\t60999\n"), 20000, 32767));
    }

    @Test
    void shouldNotWarnWithoutARangeToCompare() throws IOException {
        assertEquals(Optional.empty(), EphemeralPortRange.overlapWarning(dir.resolve("absent"), 49152, 65535));
        assertEquals(Optional.empty(), EphemeralPortRange.overlapWarning(file("32768"), 49152, 65535));
        assertEquals(Optional.empty(), EphemeralPortRange.overlapWarning(file("high low"), 49152, 65535));
        assertEquals(Optional.empty(), EphemeralPortRange.overlapWarning(file("60999 32768"), 49152, 65535));
    }

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("ip_local_port_range"), content);
    }
}
