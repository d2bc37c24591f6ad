package io.turnkit.server.transport.dtls;

import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DatagramTransport;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;

/**
 * What bctls's handshake with one client reads and writes through: the datagrams the listening socket's event loop
 * received from that client, queued, and sends through the same socket, on its event loop.
 *
 * <p>bctls is written for blocking sockets. The handshake runs on a thread of its own, where {@link #receive} waits
 * on the queue as a socket read would, with bctls's own retransmission timers as the wait (RFC 6347 §4.2.4), and
 * never past the handshake's deadline. Once it is over the session takes what is still queued ({@link #poll}),
 * the server's last flight, to send again if the client did not get it, and the sequence number its records go
 * on from ({@link #nextWriteSequence}).
 */
final class DatagramQueue implements DatagramTransport {
    /** RFC 6347 §4.1.1.1: records fit the path MTU; 1500 bytes of Ethernet less the IP and UDP headers. */
    static final int DATAGRAM_LIMIT = 1500 - 40 - 8;
    /** RFC 6347 §4.1 (RFC 5246 §6.2.3): the longest record, 2^14 bytes of plaintext grown by at most 2048. */
    static final int MAX_RECORD = RecordHeader.LENGTH + (1 << 14) + 2048;
    /** Datagrams a client may have waiting: a handshake flight, with room for retransmissions. */
    private static final int QUEUED = 32;

    private final BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(QUEUED);
    private final UdpSocket socket;
    private final InetSocketAddress client;
    private final long deadlineNanos;
    /** The datagrams sent since the last one received: once the handshake is over, the server's last flight. */
    private final List<byte[]> flight = new ArrayList<>();
    /** The epoch of the last protected record sent, and the sequence number after its. */
    private int writeEpoch;
    private long nextWriteSequence;

    DatagramQueue(UdpSocket socket, InetSocketAddress client, long deadlineNanos) {
        this.socket = socket;
        this.client = client;
        this.deadlineNanos = deadlineNanos;
    }

    /** Queues a copy of {@code datagram}'s readable bytes; false when the queue is full (the datagram is dropped). */
    boolean offer(ByteBuf datagram) {
        byte[] copy = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), copy);
        return received.offer(copy);
    }

    /** A datagram queued and not read by the handshake, or null. */
    byte[] poll() {
        return received.poll();
    }

    InetSocketAddress client() {
        return client;
    }

    @Override
    public int getReceiveLimit() {
        return MAX_RECORD;
    }

    @Override
    public int getSendLimit() {
        return DATAGRAM_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws InterruptedIOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new InterruptedIOException("the DTLS handshake took too long");
        }
        // bctls's 0 is "wait for ever": the deadline bounds it.
        long wait = waitMillis == 0 ? left : Math.min(left, TimeUnit.MILLISECONDS.toNanos(waitMillis));
        byte[] datagram;
        try {
            datagram = received.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the server is stopping");
        }
        if (datagram == null) {
            // A timeout: bctls retransmits its flight and reads again, or gives up at its own limit.
            return -1;
        }
        flight.clear();
        int length = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, length);
        return length;
    }

    /** Sends a datagram of the handshake's records through the event loop, which sends it at once. */
    @Override
    public void send(byte[] buf, int off, int len) {
        byte[] datagram = Arrays.copyOfRange(buf, off, off + len);
        flight.add(datagram);
        noteSequenceNumbers(datagram);
        sendNow(datagram);
    }

    /** Sends {@code datagram} to the client from any thread: queued on the socket and flushed by the event loop. */
    private void sendNow(byte[] datagram) {
        socket.eventLoop().execute(() -> {
            socket.write(Transports.ALLOCATOR.directBuffer(datagram.length).writeBytes(datagram), client);
            socket.flush();
        });
    }

    /**
     * Remembers the epoch and sequence number of the protected records sent (RFC 6347 §4.1): the session's own
     * records must go on from there, as a key never protects two records with one sequence number (RFC 5288 §3).
     */
    private void noteSequenceNumbers(byte[] datagram) {
        for (int at = 0; at + RecordHeader.LENGTH <= datagram.length;
                at += RecordHeader.LENGTH + RecordHeader.fragmentLength(datagram, at)) {
            int epoch = RecordHeader.epoch(datagram, at);
            long sequence = RecordHeader.sequenceNumber(datagram, at);
            if (epoch > writeEpoch || epoch == writeEpoch && sequence >= nextWriteSequence) {
                writeEpoch = epoch;
                nextWriteSequence = sequence + 1;
            }
        }
    }

    /** Sends the server's last flight of the handshake again (RFC 6347 §4.2.4: the client did not get it). */
    void resendLastFlight() {
        flight.forEach(this::sendNow);
    }

    /** The epoch of the records the server sent last: the session's. */
    int writeEpoch() {
        return writeEpoch;
    }

    /** The first sequence number of the current epoch that no record of the handshake has used. */
    long nextWriteSequence() {
        return nextWriteSequence;
    }

    @Override
    public void close() {
        // The session outlives bctls's transport: its records and its end are the server's own.
    }
}
