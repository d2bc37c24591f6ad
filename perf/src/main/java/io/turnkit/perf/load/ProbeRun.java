package io.turnkit.perf.load;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.unix.SegmentedDatagramPacket;

/**
 * The probes one client socket writes between two flushes, back to back in one buffer, to leave in one send
 * with UDP generic segmentation offload (Linux UDP_SEGMENT): the server receives the same datagrams, but the
 * generator's kernel routes and queues one buffer for them, so less of the machine's CPU goes to the
 * generator. A probe of another length starts a new run. Used only from the socket's event loop.
 */
final class ProbeRun {
    /** The kernel's limit on the segments of one GSO send (UDP_MAX_SEGMENTS). */
    private static final int MAX_SEGMENTS = 64;
    /** A GSO send carries at most one UDP datagram's worth of bytes. */
    private static final int MAX_BYTES = 65_000;

    private final Channel channel;
    private final InetSocketAddress server;
    private final ProbeFormat format;
    private final boolean segmentation;
    private ByteBuf probes;
    private int segmentSize;
    private int segments;

    /**
     * @param server where the socket is connected to
     * @param segmentation whether the kernel takes UDP_SEGMENT sends; without it each probe leaves alone
     */
    ProbeRun(Channel connected, InetSocketAddress server, ProbeFormat format, boolean segmentation) {
        this.channel = connected;
        this.server = server;
        this.format = format;
        this.segmentation = segmentation;
    }

    /** Writes one probe into the run. */
    void add(long sequence, long sentNanos) {
        if (probes != null && (segments == MAX_SEGMENTS || probes.writerIndex() + format.maxLength() > MAX_BYTES)) {
            write();
        }
        if (probes == null) {
            probes = channel.alloc().directBuffer(Math.min(MAX_BYTES, format.maxLength() * MAX_SEGMENTS / 4));
        }
        int start = probes.writerIndex();
        format.write(probes, sequence, sentNanos);
        int length = probes.writerIndex() - start;
        if (segments > 0 && length != segmentSize) {
            // Only equal lengths make a run: this probe starts the next one.
            ByteBuf next = channel.alloc().directBuffer(probes.capacity());
            next.writeBytes(probes, start, length);
            probes.writerIndex(start);
            write();
            probes = next;
        }
        segmentSize = length;
        segments++;
        if (!segmentation) {
            write();
        }
    }

    /** Queues the run on the channel: one probe as it is, several as one GSO send. The caller flushes. */
    void write() {
        if (probes == null) {
            return;
        }
        if (segments == 1) {
            channel.write(probes, channel.voidPromise());
        } else {
            channel.write(new SegmentedDatagramPacket(probes, segmentSize, server), channel.voidPromise());
        }
        probes = null;
        segments = 0;
    }
}
