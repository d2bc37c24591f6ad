package io.turnkit.perf.load;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The probes of one client socket, on its event loop. In a closed loop ({@code window} &gt; 0) it keeps
 * that many probes in flight and sends the next one as each echo arrives: the socket runs as fast as the
 * server answers, which is how saturation is found without flooding buffers. In an open loop
 * ({@code window} 0) a {@link RatePacer} calls {@link #send} at a fixed rate, answered or not.
 *
 * <p>A closed loop whose probes all go unanswered for a while {@link #expire expires} them, so that a
 * lost packet does not stall the socket; an echo that arrives after that still counts as delivered, but
 * frees no slot twice: the slots are accounted by sequence number, and every probe below
 * {@code expiredBelow} has already given its slot back.
 */
final class ProbeFlow {
    private final Channel channel;
    private final ProbeFormat format;
    private final ProbeRun run;
    private final MeasurementWindow measurement;
    private final LoopMeter meter;
    private final int window;
    private final Probe echo = new Probe();
    private long nextSequence;
    private long expiredBelow;
    private int inFlight;
    private long lastProgress;
    private boolean unflushed;

    ProbeFlow(Channel channel, ProbeFormat format, boolean segmentation, MeasurementWindow measurement,
            LoopMeter meter, int window) {
        this.channel = channel;
        this.format = format;
        this.run = new ProbeRun(channel, (InetSocketAddress) channel.remoteAddress(), format, segmentation);
        this.measurement = measurement;
        this.meter = meter;
        this.window = window;
    }

    /** Writes one probe (flushed by {@link #flush}); false once the measurement is over. */
    boolean send(long now) {
        if (measurement.isOver(now)) {
            return false;
        }
        run.add(nextSequence++, now);
        unflushed = true;
        if (inFlight++ == 0) {
            lastProgress = now;
        }
        if (measurement.contains(now)) {
            meter.sent++;
        }
        return true;
    }

    /** Closed loop: tops the probes in flight up to the window. */
    void fill(long now) {
        while (inFlight < window && send(now)) {
            // send() counts each probe.
        }
    }

    /** Takes a probe's echo; false when the datagram is something else (a control response). */
    boolean onDatagram(ByteBuf datagram) {
        if (!format.read(datagram, echo)) {
            return false;
        }
        long now = System.nanoTime();
        if (echo.sequence >= expiredBelow && echo.sequence < nextSequence) {
            inFlight--;
            lastProgress = now;
        }
        if (measurement.contains(echo.sentNanos)) {
            meter.answered++;
            meter.latency.record(now - echo.sentNanos);
        }
        fill(now);
        return true;
    }

    /** Closed loop: when nothing came back for {@code timeoutNanos}, the probes in flight give their slots back. */
    void expire(long now, long timeoutNanos) {
        if (inFlight > 0 && now - lastProgress > timeoutNanos) {
            expiredBelow = nextSequence;
            inFlight = 0;
            fill(now);
        }
    }

    void flush() {
        if (unflushed) {
            unflushed = false;
            run.write();
            channel.flush();
        }
    }
}
