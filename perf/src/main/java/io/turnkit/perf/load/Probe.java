package io.turnkit.perf.load;

import io.netty.buffer.ByteBuf;

/**
 * What a probe carries so that its echo can be matched and timed without any state per packet: a
 * sequence number and the {@link System#nanoTime()} it was sent at. In a relayed packet they are the
 * first 16 bytes of the payload; the rest is zeros up to the payload size.
 *
 * <pre>
 * | sequence (64 bits) | sent at, nanoTime (64 bits) | zeros ... |
 * </pre>
 *
 * <p>A mutable holder, reused for every datagram a socket receives.
 */
final class Probe {
    /** The bytes a payload needs at least. */
    static final int PAYLOAD_HEADER_LENGTH = 2 * Long.BYTES;

    long sequence;
    long sentNanos;

    /** Writes a {@code length}-byte payload at the writer index. */
    static void writePayload(ByteBuf out, long sequence, long sentNanos, int length) {
        out.writeLong(sequence);
        out.writeLong(sentNanos);
        out.writeZero(length - PAYLOAD_HEADER_LENGTH);
    }

    /** Reads a payload of {@code length} bytes at {@code offset}; false when it is too short to be a probe's. */
    boolean readPayload(ByteBuf in, int offset, int length) {
        if (length < PAYLOAD_HEADER_LENGTH) {
            return false;
        }
        sequence = in.getLong(offset);
        sentNanos = in.getLong(offset + Long.BYTES);
        return true;
    }
}
