package io.turnkit.perf.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time at one moment, from {@code /proc/stat} (proc(5)): the CPUs' time since boot, idle
 * and stolen (a virtual machine's CPUs running someone else's work). Read before and after a measurement with
 * the server's and the generator's own, it tells what the machine's other programs took while they were
 * measured, which is what moves a saturation figure on a shared host.
 *
 * <p>Busy is the time that was neither idle nor stolen, not the sum of the user, system, irq and softirq
 * columns: those are sampled at the scheduler's tick, which a tickless kernel stops while a CPU is idle, so the
 * short bursts between idle periods that a paced load is made of are in no column at all (a sixth of the
 * machine's time under a paced load on the 2-CPU test machine), while idle time is measured on entering and
 * leaving idle, and so is each process's own CPU time. The CPUs' time is the wall clock's times their number.
 *
 * @param capacitySeconds the time the CPUs had, from an arbitrary origin (meaningful as a difference)
 * @param idleSeconds idle and waiting for I/O, all CPUs together
 * @param stealSeconds time the hypervisor gave this machine's CPUs to other machines
 */
record HostCpu(double capacitySeconds, double idleSeconds, double stealSeconds) {
    private static final int IDLE = 4;
    private static final int IOWAIT = 5;
    private static final int STEAL = 8;

    /** Not measured: no {@code /proc/stat} to read. */
    static final HostCpu UNKNOWN = new HostCpu(Double.NaN, Double.NaN, Double.NaN);

    static HostCpu read() {
        Path stat = Path.of("/proc/stat");
        if (!Files.isReadable(stat)) {
            return UNKNOWN;
        }
        try {
            return parse(Files.readString(stat, StandardCharsets.US_ASCII), System.nanoTime() / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }

    /** A {@code /proc/stat} read at {@code wallSeconds}: its {@code cpu} line (all CPUs, in clock ticks). */
    static HostCpu parse(String stat, double wallSeconds) {
        String first = stat.lines().findFirst().orElse("");
        String[] columns = first.trim().split(" +");
        if (columns.length <= STEAL || !columns[0].equals("cpu")) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + first);
        }
        long cpus = stat.lines().filter(line -> line.matches("cpu[0-9]+ .*")).count();
        long idle = Long.parseLong(columns[IDLE]) + Long.parseLong(columns[IOWAIT]);
        return new HostCpu(wallSeconds * cpus, idle / ServerProcess.CLOCK_TICKS_PER_SECOND,
                Long.parseLong(columns[STEAL]) / ServerProcess.CLOCK_TICKS_PER_SECOND);
    }

    /** Every program's work, all CPUs together: the time neither idle nor stolen. */
    double busySeconds() {
        return capacitySeconds - idleSeconds - stealSeconds;
    }

    HostCpu since(HostCpu earlier) {
        return new HostCpu(capacitySeconds - earlier.capacitySeconds, idleSeconds - earlier.idleSeconds,
                stealSeconds - earlier.stealSeconds);
    }
}
