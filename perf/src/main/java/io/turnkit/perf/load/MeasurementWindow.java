package io.turnkit.perf.load;

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
     * The CPU time used during the window by the server ({@link CpuTimes#UNKNOWN} when there is no server
     * process to read) and by this generator: on one machine the two share its cores.
     */
    record WindowCpu(CpuTimes server, CpuTimes generator) {
    }

    /** Waits through the warm-up, the window and the drain, showing progress; returns the CPU time used. */
    WindowCpu await(ServerProcess server, ProgressBar progress) throws InterruptedException {
        ServerProcess generator = ServerProcess.of(ProcessHandle.current().pid());
        sleepUntil(start, origin, "warm-up", progress);
        CpuTimes before = server == null ? CpuTimes.UNKNOWN : server.cpu();
        CpuTimes generatorBefore = generator.cpu();
        sleepUntil(end, start, "measuring", progress);
        CpuTimes after = server == null ? CpuTimes.UNKNOWN : server.cpu();
        CpuTimes generatorAfter = generator.cpu();
        sleepUntil(end + DRAIN_NANOS, end, "draining", progress);
        progress.clear();
        return new WindowCpu(after.since(before), generatorAfter.since(generatorBefore));
    }

    private static void sleepUntil(long deadline, long from, String phase, ProgressBar progress)
            throws InterruptedException {
        for (long now = System.nanoTime(); now - deadline < 0; now = System.nanoTime()) {
            progress.show(phase, (double) (now - from) / (deadline - from));
            TimeUnit.NANOSECONDS.sleep(Math.min(deadline - now, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
        }
    }
}
