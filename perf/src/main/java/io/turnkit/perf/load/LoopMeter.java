package io.turnkit.perf.load;

/**
 * What one event loop measured: probes sent and answered (or operations started and completed) within
 * the measurement window, failures, and their latencies. Owned by its loop's thread, read through a
 * {@link #copy()} made on that thread, and {@link #add added} together on the main thread.
 */
final class LoopMeter {
    final LatencyHistogram latency = new LatencyHistogram();
    long sent;
    long answered;
    long failed;
    /** Why the first failure failed, or null. */
    String firstFailure;

    LoopMeter copy() {
        return new LoopMeter().add(this);
    }

    LoopMeter add(LoopMeter other) {
        latency.add(other.latency);
        sent += other.sent;
        answered += other.answered;
        failed += other.failed;
        if (firstFailure == null) {
            firstFailure = other.firstFailure;
        }
        return this;
    }

    /** The share of probes sent in the window that never came back, in percent; 0 when none were sent. */
    double lossPercent() {
        return sent == 0 ? 0 : 100.0 * Math.max(0, sent - answered) / sent;
    }
}
