package io.turnkit.server.transport.dtls;

import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DatagramTransport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;

/**
 * What bctls reads and writes one client's DTLS records through: the datagrams the listening socket's event loop
 * received from that client, queued, and sends through the same socket, on its event loop.
 *
 * <p>bctls is written for blocking sockets. While the handshake runs on a thread of its own, {@link #receive}
 * waits on the queue as a socket read would, with bctls's own retransmission timers as the wait (RFC 6347
 * §4.2.4), and never past the handshake's deadline. Once the session is up the event loop calls bctls itself, one
 * datagram at a time ({@link #nonBlocking()}): {@link #receive} then hands over what is queued and, with nothing
 * left, ends bctls's read at once, so the event loop never waits.
 */
final class DatagramQueue implements DatagramTransport {
    /** RFC 6347 §4.1.1.1: records fit the path MTU; 1500 bytes of Ethernet less the IP and UDP headers. */
    static final int DATAGRAM_LIMIT = 1500 - 40 - 8;
    /** RFC 6347 §4.1 (RFC 5246 §6.2.3): the longest record, 2^14 bytes of plaintext grown by at most 2048. */
    static final int MAX_RECORD = 13 + (1 << 14) + 2048;
    /** Datagrams a client may have waiting: a handshake flight, with room for retransmissions. */
    private static final int QUEUED = 32;

    private final BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(QUEUED);
    private final UdpSocket socket;
    private final InetSocketAddress client;
    private final long deadlineNanos;
    /** Ends bctls's read when nothing is queued: an interruption, which bctls passes up without failing the session. */
    private final InterruptedIOException drained = new InterruptedIOException("no datagram queued");
    private volatile boolean blocking = true;
    /** bctls closed the transport: the client sent close_notify, or the session failed. */
    private volatile boolean closed;

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

    /** From now on the event loop reads: {@link #receive} never waits. */
    void nonBlocking() {
        blocking = false;
    }

    InetSocketAddress client() {
        return client;
    }

    /**
     * bctls makes a buffer of this size for every read: while the session is up, the size of the datagram it is
     * about to get rather than the largest one there could be.
     */
    @Override
    public int getReceiveLimit() {
        byte[] next = blocking ? null : received.peek();
        return next == null ? MAX_RECORD : next.length;
    }

    @Override
    public int getSendLimit() {
        return DATAGRAM_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws InterruptedIOException {
        byte[] datagram;
        if (blocking) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new InterruptedIOException("the DTLS handshake took too long");
            }
            // bctls's 0 is "wait for ever": the deadline bounds it.
            long wait = waitMillis == 0 ? left : Math.min(left, TimeUnit.MILLISECONDS.toNanos(waitMillis));
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
        } else {
            datagram = received.poll();
            if (datagram == null) {
                drained.bytesTransferred = 0;
                throw drained;
            }
        }
        int length = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, length);
        return length;
    }

    /**
     * Sends a record. On the event loop (records of an established session) it is queued on the socket, which the
     * link flushes; from the handshake's thread it goes to the event loop, which sends it at once.
     */
    @Override
    public void send(byte[] buf, int off, int len) {
        ByteBuf datagram = Transports.ALLOCATOR.directBuffer(len).writeBytes(buf, off, len);
        EventLoop loop = socket.eventLoop();
        if (loop.inEventLoop()) {
            socket.write(datagram, client);
            return;
        }
        loop.execute(() -> {
            socket.write(datagram, client);
            socket.flush();
        });
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        received.clear();
    }
}
