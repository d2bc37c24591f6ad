package io.turnkit.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The datagrams the kernel dropped because a UDP socket's receive or send buffer was full, from Linux's
 * {@code /proc/net/snmp} ({@code Udp: RcvbufErrors SndbufErrors}): drops the server cannot see itself, since they
 * never reach it. The counts are the host's (every process, every socket), read when scraped.
 */
public final class KernelUdpErrors {
    static final Path SNMP = Path.of("/proc/net/snmp");

    private final Path snmp;

    KernelUdpErrors(Path snmp) {
        this.snmp = snmp;
    }

    /** Registers the two counters where the file is readable (Linux); elsewhere nothing. */
    public static void bindTo(MeterRegistry registry) {
        KernelUdpErrors errors = new KernelUdpErrors(SNMP);
        if (errors.read("RcvbufErrors") < 0) {
            return;
        }
        bind(registry, errors, "receive_buffer", "RcvbufErrors");
        bind(registry, errors, "send_buffer", "SndbufErrors");
    }

    private static void bind(MeterRegistry registry, KernelUdpErrors errors, String buffer, String field) {
        FunctionCounter.builder("turnkit.udp.kernel.drops", errors, e -> Math.max(0, e.read(field)))
                .tag("buffer", buffer)
                .description("UDP datagrams the host's kernel dropped with a socket buffer full (all processes)")
                .register(registry);
    }

    /** The value of {@code field} in the {@code Udp:} lines (a header line, then a line of values); -1 when absent. */
    long read(String field) {
        List<String> lines;
        try {
            lines = Files.readAllLines(snmp);
        } catch (IOException e) {
            return -1;
        }
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Udp: ") && lines.get(i + 1).startsWith("Udp: ")) {
                String[] names = lines.get(i).split(" ");
                String[] values = lines.get(i + 1).split(" ");
                for (int j = 1; j < names.length && j < values.length; j++) {
                    if (names[j].equals(field)) {
                        return parse(values[j]);
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    private static long parse(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
