package io.turnkit.perf.load;

import io.netty.buffer.ByteBuf;

/** How a probe travels: in ChannelData, in Send and Data indications, or as a Binding transaction. */
interface ProbeFormat {
    /** The most bytes {@link #write} puts in a datagram. */
    int maxLength();

    /** Writes one datagram for the server at the writer index of {@code out}. */
    void write(ByteBuf out, long sequence, long sentNanos);

    /** Reads the answer to a probe into {@code probe}; false when the datagram is not one (a control response). */
    boolean read(ByteBuf datagram, Probe probe);
}
