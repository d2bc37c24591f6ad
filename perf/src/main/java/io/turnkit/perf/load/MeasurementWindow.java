package io.turnkit.perf.load;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.turnkit.perf.load.ServerProcess.CpuTimes;

/**
 * The stretch of a run that counts: it starts after a warm-up (JIT compilation, caches and socket
 * buffers filling, on both sides) and lasts a fixed time. A probe counts when it was sent inside the
 * window, wherever its echo arrives; after the window the loops stop sending and receive for
 * {@link #DRAIN_NANOS} more, so that the last probes are not taken for lost.
 */
final class MeasurementWindow {
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long POLL_MILLIS = 100;

    private final long origin;
    private final long start;
    private final long end;

    private MeasurementWindow(long origin, long start, long end) {
        this.origin = origin;
        this.start = start;
        this.end = end;
    }

    static MeasurementWindow startingIn(long warmupSeconds, long lengthSeconds) {
        long now = System.nanoTime();
        long start = now + TimeUnit.SECONDS.toNanos(warmupSeconds);
        return new MeasurementWindow(now, start, start + TimeUnit.SECONDS.toNanos(lengthSeconds));
    }

    boolean contains(long nanos) {
        return nanos - start >= 0 && nanos - end < 0;
    }

    boolean isOver(long nanos) {
        return nanos - end >= 0;
    }

    double seconds() {
        return (end - start) / 1e9;
    }

    /**
     * What the window cost, read from {@code /proc} at its start and end: the CPU time used by the server
     * ({@link CpuTimes#UNKNOWN} when there is no server process to read), by this generator and by the whole
     * machine (on one machine they share its cores, with whatever else runs there); the busiest server
     * thread's CPU time; and the datagrams the kernel dropped on the server's UDP sockets (NaN, like the
     * thread's time, without a server process).
     */
    record WindowReadings(CpuTimes server, CpuTimes generator, HostCpu host, double busiestServerThreadSeconds,
            double serverSocketDrops) {
        /** The machine's CPU time spent on neither the server nor this generator: its other programs'. */
        double othersSeconds() {
            return host.busySeconds() - generator.totalSeconds()
                    - (Double.isNaN(server.totalSeconds()) ? 0 : server.totalSeconds());
        }
    }

    /** Waits through the warm-up, the window and the drain, showing progress; returns what the window cost. */
    WindowReadings await(ServerProcess server, ProgressBar progress) throws InterruptedException {
        ServerProcess generator = ServerProcess.of(ProcessHandle.current().pid());
        sleepUntil(start, origin, "warm-up", progress);
        Reading before = Reading.of(server, generator);
        sleepUntil(end, start, "measuring", progress);
        Reading after = Reading.of(server, generator);
        sleepUntil(end + DRAIN_NANOS, end, "draining", progress);
        progress.clear();
        return after.since(before);
    }

    /** One moment's figures, the server's read first (they are what the window is about). */
    private record Reading(CpuTimes server, Map<Long, Long> serverThreads, Map<Long, Long> serverDrops,
            CpuTimes generator, HostCpu host) {
        static Reading of(ServerProcess server, ServerProcess generator) {
            return server == null
                    ? new Reading(CpuTimes.UNKNOWN, Map.of(), Map.of(), generator.cpu(), HostCpu.read())
                    : new Reading(server.cpu(), server.threadTicks(), server.udpDrops(), generator.cpu(),
                            HostCpu.read());
        }

        WindowReadings since(Reading earlier) {
            boolean known = !Double.isNaN(server.totalSeconds());
            long busiest = 0;
            for (Map.Entry<Long, Long> thread : serverThreads.entrySet()) {
                long before = earlier.serverThreads.getOrDefault(thread.getKey(), 0L);
                busiest = Math.max(busiest, thread.getValue() - before);
            }
            return new WindowReadings(server.since(earlier.server), generator.since(earlier.generator),
                    host.since(earlier.host), known ? busiest / ServerProcess.CLOCK_TICKS_PER_SECOND : Double.NaN,
                    known ? ServerProcess.dropsBetween(earlier.serverDrops, serverDrops) : Double.NaN);
        }
    }

    private static void sleepUntil(long deadline, long from, String phase, ProgressBar progress)
            throws InterruptedException {
        for (long now = System.nanoTime(); now - deadline < 0; now = System.nanoTime()) {
            progress.show(phase, (double) (now - from) / (deadline - from));
            TimeUnit.NANOSECONDS.sleep(Math.min(deadline - now, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
        }
    }
}
