package io.turnkit.server.relay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Linux's ephemeral port range (net.ipv4.ip_local_port_range): the ports the kernel hands every program's
 * outgoing connections and sockets bound to port 0. Where the relay range overlaps it, other programs take relay
 * ports: the server skips those ({@link RelayPortWalk}), but has fewer to relay from, and a relay port may stay
 * taken for as long as the other program keeps it.
 *
 * @param min the first port of the range
 * @param max the last port, included
 */
public record EphemeralPortRange(int min, int max) {
    /** Where Linux tells its range: two numbers, "32768\t60999" by default. */
    public static final Path LINUX = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** The range {@code file} tells; empty where there is none (not Linux) or it does not read as two ports. */
    public static Optional<EphemeralPortRange> read(Path file) {
        try {
            String[] ports = Files.readString(file).trim().split("\\s+");
            if (ports.length != 2) {
                return Optional.empty();
            }
            int min = Integer.parseInt(ports[0]);
            int max = Integer.parseInt(ports[1]);
            return min > 0 && min <= max && max <= 0xFFFF ? Optional.of(new EphemeralPortRange(min, max))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The line to warn with when the relay ports {@code minPort}-{@code maxPort} overlap the range {@code file}
     * tells, saying how to keep them apart; empty when they do not overlap, or the file tells no range.
     */
    public static Optional<String> overlapWarning(Path file, int minPort, int maxPort) {
        return read(file).filter(range -> minPort <= range.max && range.min <= maxPort).map(range -> String.format(
                "relay ports %d-%d overlap the ephemeral ports %d-%d (net.ipv4.ip_local_port_range) the host gives "
                        + "other programs' sockets: relay ports they hold are skipped, and fewer are left. Reserve "
                        + "the relay ports with sysctl -w net.ipv4.ip_local_reserved_ports=%d-%d (and in "
                        + "/etc/sysctl.d/ to keep it), or set --min-port and --max-port outside %d-%d",
                minPort, maxPort, range.min, range.max, minPort, maxPort, range.min, range.max));
    }
}
