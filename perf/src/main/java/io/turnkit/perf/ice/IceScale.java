package io.turnkit.perf.ice;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.management.OperatingSystemMXBean;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceRole;

/**
 * {@code ice sim N} / {@code ice mux N}: N pairs of agents connect in this JVM, through the NAT simulator
 * ({@link SimulatedPairs}) or through the one-port UDP mux on loopback ({@link MuxPairs}), and the figures are
 * printed; {@code ice ice4j N} puts the same load on ice4j's agent ({@link Ice4jPairs}) for comparison. The figures: time to the selected pair (p50, p99), heap per session once idle and connected (after GC), threads,
 * CPU per check or per pair.
 */
public final class IceScale {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private static final List<String> MODES = List.of("sim", "mux", "ice4j");
    private static final int WARM_UP_PAIRS = 500;

    private IceScale() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !MODES.contains(args[0])) {
            System.err.println("usage: ice sim|mux|ice4j PAIRS");
            System.exit(2);
        }
        int pairs = Integer.parseInt(args[1]);
        if (pairs < 1 || pairs > 30_000) {
            System.err.println("PAIRS must be 1 to 30000: " + args[1]);
            System.exit(2);
        }
        // A smaller run first, so that the measured one runs compiled code rather than the JIT's first attempts.
        run(args[0], Math.min(pairs, WARM_UP_PAIRS));
        Result result = run(args[0], pairs);
        System.out.println(result.format(args[0], pairs));
        System.exit(result.connected() == pairs ? 0 : 1);
    }

    private static Result run(String mode, int pairs) throws Exception {
        return switch (mode) {
            case "sim" -> new SimulatedPairs(pairs).run();
            case "mux" -> new MuxPairs(pairs).run();
            default -> new Ice4jPairs(pairs).run();
        };
    }

    /** A controlling or controlled agent's config, its randomness seeded per agent so runs repeat. */
    static IceConfig config(IceRole role, long seed) {
        return IceConfig.builder().role(role).random(new SplittableRandom(seed)).build();
    }

    /** Heap in use after a full collection (the measurements compare two of these). */
    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /**
     * The connecting phase on real sockets: from its start until every pair is connected or {@link #WAIT_SECONDS}
     * have passed, the CPU, real time and threads it took; then the sessions sit idle for {@link #IDLE_MILLIS}
     * before their heap is measured.
     */
    record Connecting(long cpuNanos, double wallSeconds, int threads) {
        static final long WAIT_SECONDS = 120;
        static final long IDLE_MILLIS = 2_000;

        static Connecting await(AtomicInteger connected, int pairs, long cpuStart, long wallStart)
                throws InterruptedException {
            long deadline = wallStart + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (connected.get() < pairs && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            Connecting phase = new Connecting(processCpuNanos() - cpuStart, (System.nanoTime() - wallStart) / 1e9,
                    IceScale.threads());
            TimeUnit.MILLISECONDS.sleep(IDLE_MILLIS);
            return phase;
        }
    }

    /**
     * What a run measured. {@code connectNanos} are the times to the selected pair (simulated time in the simulator,
     * real time on the mux); {@code checks} is 0 where they are not counted.
     */
    record Result(long[] connectNanos, int connected, double heapBytesPerSession, String sessionIs, int threads,
            long cpuNanos, long checks, double wallSeconds) {
        String format(String mode, int pairs) {
            long[] sorted = Arrays.copyOf(connectNanos, connected);
            Arrays.sort(sorted);
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "ice %s: %d of %d pairs connected in %.1f s of real time%n",
                    mode, connected, pairs, wallSeconds));
            if (connected > 0) {
                b.append(String.format(Locale.ROOT, "  time to selected pair: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6, sorted[connected - 1] / 1e6));
            }
            b.append(String.format(Locale.ROOT, "  heap per session (%s), idle, after GC: %.0f bytes%n", sessionIs,
                    heapBytesPerSession));
            b.append(String.format(Locale.ROOT, "  threads in the JVM: %d%n", threads));
            b.append(String.format(Locale.ROOT, "  CPU while connecting: %.2f s", cpuNanos / 1e9));
            if (checks > 0) {
                b.append(String.format(Locale.ROOT, ", %d checks, %.1f µs CPU per check", checks,
                        cpuNanos / 1e3 / checks));
            }
            if (connected > 0) {
                b.append(String.format(Locale.ROOT, ", %.1f µs CPU per pair", cpuNanos / 1e3 / connected));
            }
            return b.toString();
        }

        private static long percentile(long[] sorted, int p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
        }
    }
}
