package io.turnkit.server.transport.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

import org.bouncycastle.tls.DTLSRecordCallback;
import org.bouncycastle.tls.DTLSTransport;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.Transports;

/**
 * An established DTLS session with one client (RFC 6347): its records decrypted and encrypted on the listening
 * socket's event loop, one datagram at a time. bctls allocates per record here; the plain UDP path never comes
 * this way. Used from that event loop only.
 */
public final class DtlsSession implements DTLSRecordCallback {
    private final DTLSTransport transport;
    private final DatagramQueue queue;
    private final ServerCounters counters;
    /** The plaintext of the record being read, then copied out: a record is at most 2^14 bytes (RFC 6347 §4.1). */
    private final byte[] plaintext = new byte[1 << 14];
    private final byte[] outgoing;
    private final int sendLimit;
    /** Whether bctls accepted a record of the datagram being read. */
    private boolean accepted;
    private boolean over;

    DtlsSession(DTLSTransport transport, DatagramQueue queue, ServerCounters counters) throws IOException {
        this.transport = transport;
        this.queue = queue;
        this.counters = counters;
        this.sendLimit = transport.getSendLimit();
        this.outgoing = new byte[sendLimit];
        queue.nonBlocking();
    }

    public InetSocketAddress client() {
        return queue.client();
    }

    /**
     * Reads the records of {@code datagram}, handing each record of application data to {@code records} (a buffer
     * it must not keep past the call without retaining it). A datagram of which no record could be read (forged,
     * replayed, cut) is counted and dropped (RFC 6347 §4.1.2.7: invalid records are discarded silently).
     *
     * @return false once the session is over: the client closed it (close_notify) or sent a fatal alert
     */
    public boolean receive(ByteBuf datagram, Consumer<ByteBuf> records) {
        if (!queue.offer(datagram)) {
            counters.increment(ServerCounter.DTLS_DROPPED);
            return !over;
        }
        boolean up = readQueued(records);
        if (!accepted && up) {
            counters.increment(ServerCounter.DTLS_DROPPED);
        }
        return up;
    }

    /**
     * Reads what the client sent between the end of the handshake and the session taking over from it.
     *
     * @return false once the session is over
     */
    public boolean readQueued(Consumer<ByteBuf> records) {
        accepted = false;
        try {
            for (int length = read(); length >= 0 && !over; length = read()) {
                ByteBuf record = Transports.ALLOCATOR.directBuffer(length).writeBytes(plaintext, 0, length);
                try {
                    records.accept(record);
                } finally {
                    record.release();
                }
            }
        } catch (InterruptedIOException drained) {
            // Every queued datagram was read.
        } catch (IOException e) {
            // A fatal alert, received or raised: bctls has failed the session.
            over = true;
        }
        over |= queue.isClosed();
        return !over;
    }

    /** The next record's plaintext length; never waits (the queue ends the read when it is empty). */
    private int read() throws IOException {
        return transport.receive(plaintext, 0, plaintext.length, Integer.MAX_VALUE, this);
    }

    @Override
    public void recordAccepted(int flags) {
        accepted = true;
    }

    /** Encrypts {@code frame} into one record to the client, and releases it; the link flushes the socket. */
    public void send(ByteBuf frame) {
        int length = frame.readableBytes();
        try {
            if (over || length > sendLimit) {
                counters.increment(ServerCounter.DTLS_DROPPED);
                return;
            }
            frame.getBytes(frame.readerIndex(), outgoing, 0, length);
            transport.send(outgoing, 0, length);
        } catch (IOException e) {
            over = true;
            counters.increment(ServerCounter.DTLS_DROPPED);
        } finally {
            frame.release();
        }
    }

    /** Ends the session with a close_notify (RFC 5246 §7.2.1), unless the client ended it already. */
    public void close() {
        if (!over) {
            over = true;
            try {
                transport.close();
            } catch (IOException e) {
                // The client is going away either way.
            }
        }
    }
}
