package io.turnkit.perf.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time so far, from the first line of {@code /proc/stat} (proc(5)): busy (user,
 * nice, system, irq, softirq) and stolen (a virtual machine's CPUs running someone else's work). Read
 * before and after a measurement with the server's and the generator's own, it tells what the machine's
 * other programs took while they were measured, which is what moves a saturation figure on a shared host.
 *
 * @param busySeconds all CPUs together, every program's work
 * @param stealSeconds time the hypervisor gave this machine's CPUs to other machines
 */
record HostCpu(double busySeconds, double stealSeconds) {
    private static final int USER = 1;
    private static final int NICE = 2;
    private static final int SYSTEM = 3;
    private static final int IRQ = 6;
    private static final int SOFTIRQ = 7;
    private static final int STEAL = 8;

    /** Not measured: no {@code /proc/stat} to read. */
    static final HostCpu UNKNOWN = new HostCpu(Double.NaN, Double.NaN);

    static HostCpu read() {
        Path stat = Path.of("/proc/stat");
        if (!Files.isReadable(stat)) {
            return UNKNOWN;
        }
        try {
            return parse(Files.readString(stat, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }

    /** The {@code cpu} line (all CPUs) of a {@code /proc/stat}, its columns in clock ticks. */
    static HostCpu parse(String stat) {
        String first = stat.lines().findFirst().orElse("");
        String[] columns = first.trim().split(" +");
        if (columns.length <= STEAL || !columns[0].equals("cpu")) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + first);
        }
        long busy = 0;
        for (int column : new int[] {USER, NICE, SYSTEM, IRQ, SOFTIRQ}) {
            busy += Long.parseLong(columns[column]);
        }
        return new HostCpu(busy / ServerProcess.CLOCK_TICKS_PER_SECOND,
                Long.parseLong(columns[STEAL]) / ServerProcess.CLOCK_TICKS_PER_SECOND);
    }

    HostCpu since(HostCpu earlier) {
        return new HostCpu(busySeconds - earlier.busySeconds, stealSeconds - earlier.stealSeconds);
    }
}
