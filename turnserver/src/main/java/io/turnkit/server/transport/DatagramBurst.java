package io.turnkit.server.transport;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;

/**
 * The datagrams one UDP socket sends during one read batch, coalesced where the kernel allows: consecutive
 * datagrams to one destination, all of one size but the last, which may be shorter, leave in one send with
 * UDP generic segmentation offload (Linux UDP_SEGMENT). The stack then routes and queues one buffer instead of
 * one per datagram; the kernel cuts it into the same datagrams, in the same order, at the last moment. A video
 * frame split into equal-size RTP packets, or the responses to a client's burst of requests, is such a run.
 * <p>
 * A datagram is held as it came until a second one joins it, so a datagram with no run behind it leaves
 * without a copy. Used only from the socket's event loop. Public for the load generator's echo peers, which
 * answer the same way.
 */
public final class DatagramBurst {
    /** A GSO send carries at most one UDP datagram's worth of bytes (65,507 over IPv4), with room to spare. */
    static final int MAX_BYTES = 65_000;
    /** The kernel's limit on the segments of one GSO send (UDP_MAX_SEGMENTS). */
    private static final int MAX_SEGMENTS = 64;

    private final UdpSocket socket;
    private final boolean segmentation;
    private final ServerCounters counters;
    private final ServerCounter bursts;
    /** The first datagram of the run, not yet copied; null once it was copied into {@link #frames}. */
    private ByteBuf first;
    /** The run, once a second datagram joined the first; else null. */
    private ByteBuf frames;
    private int segments;
    private int segmentSize;
    private InetSocketAddress destination;

    /**
     * @param segmentation whether the kernel takes UDP_SEGMENT sends; without it every datagram leaves alone
     * @param bursts the counter of sends that carried more than one datagram
     */
    public DatagramBurst(UdpSocket socket, boolean segmentation, ServerCounters counters, ServerCounter bursts) {
        this.socket = socket;
        this.segmentation = segmentation;
        this.counters = counters;
        this.bursts = bursts;
    }

    /** Queues {@code datagram} (taking ownership of it) to {@code to}; {@link #send()} ends the run. */
    public void add(ByteBuf datagram, InetSocketAddress to) {
        int size = datagram.readableBytes();
        if (!segmentation) {
            socket.write(datagram, to);
            return;
        }
        if (segments > 0 && !joins(size, to)) {
            send();
        }
        if (segments == 0) {
            first = datagram;
            destination = to;
            segmentSize = size;
            segments = 1;
            return;
        }
        if (frames == null) {
            frames = Transports.ALLOCATOR.directBuffer(Math.min(MAX_BYTES, segmentSize * Transports.DATAGRAMS_PER_READ));
            DirectCopy.append(frames, first, first.readerIndex(), segmentSize);
            first.release();
            first = null;
        }
        DirectCopy.append(frames, datagram, datagram.readerIndex(), size);
        datagram.release();
        segments++;
    }

    private boolean joins(int size, InetSocketAddress to) {
        int bytes = frames == null ? segmentSize : frames.readableBytes();
        // GSO allows only the last segment to be shorter: a shorter datagram ended the run.
        boolean ended = bytes < segmentSize * segments;
        return !ended && size <= segmentSize && size > 0 && segments < MAX_SEGMENTS && bytes + size <= MAX_BYTES
                && to.equals(destination);
    }

    /** Queues the run on the socket: a lone datagram as it is, several as one GSO send. The caller flushes. */
    public void send() {
        if (first != null) {
            socket.write(first, destination);
        } else if (frames != null) {
            socket.writeSegments(frames, segmentSize, destination);
            counters.increment(bursts);
        }
        reset();
    }

    /** Releases what was never sent: the socket is closing. */
    public void discard() {
        if (first != null) {
            first.release();
        }
        if (frames != null) {
            frames.release();
        }
        reset();
    }

    private void reset() {
        first = null;
        frames = null;
        segments = 0;
        destination = null;
    }
}
