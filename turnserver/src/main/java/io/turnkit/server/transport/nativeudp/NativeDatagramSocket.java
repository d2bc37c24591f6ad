package io.turnkit.server.transport.nativeudp;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.server.transport.DatagramReceiver;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;

/**
 * A UDP socket read with recvmmsg(2) and written with sendmmsg(2) through our own JNI library
 * ({@link NativeDatagramLibrary}), on a Netty epoll event loop: received datagrams are handed up in place in the
 * receive buffer, their senders from a cache, so a relayed datagram allocates nothing where Netty's datagram
 * channel makes a packet and two addresses for it. Only where {@link NativeDatagramLibrary#isAvailable()}.
 * <p>
 * The socket is level-triggered (EPOLLIN), so a batch cut short at {@link Transports#DATAGRAMS_PER_BATCH} is
 * read at the loop's next turn; EPOLLOUT is asked for only while sends wait for room in the send buffer.
 */
public final class NativeDatagramSocket implements UdpSocket {
    private static final Logger LOG = LoggerFactory.getLogger(NativeDatagramSocket.class);
    private static final EpollIoOps READING = EpollIoOps.EPOLLIN;
    private static final EpollIoOps READING_AND_WAITING_TO_SEND = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT);

    private final IoEventLoop loop;
    private final DatagramFd fd;
    private final InetSocketAddress localAddress;
    private final DatagramReceiver receiver;
    private final ServerCounters counters;
    private final DatagramSendQueue queue = new DatagramSendQueue();
    private final Promise<Void> closed;
    /** Set on the event loop once registered, as is {@link #buffers}. */
    private IoRegistration registration;
    private LoopDatagramBuffers buffers;
    /** Whether sends wait for room in the send buffer since the last flush, and EPOLLOUT is asked for. */
    private boolean waitingToSend;

    private NativeDatagramSocket(IoEventLoop loop, DatagramFd fd, DatagramReceiver receiver, ServerCounters counters) {
        this.loop = loop;
        this.fd = fd;
        this.localAddress = fd.localAddress();
        this.receiver = receiver;
        this.counters = counters;
        this.closed = loop.newPromise();
    }

    /**
     * A socket bound to {@code local}, registered on {@code loop} (an epoll loop) and reading into
     * {@code receiver} once the future completes.
     *
     * @param bufferBytes the kernel's receive and send buffer sizes (capped at net.core.rmem_max / wmem_max)
     * @throws IOException where the socket cannot be bound, with the system's reason ("Address already in use")
     */
    public static Future<UdpSocket> bind(IoEventLoop loop, InetSocketAddress local, boolean reusePort,
            int bufferBytes, DatagramReceiver receiver, ServerCounters counters) throws IOException {
        DatagramFd fd = new DatagramFd();
        try {
            fd.setReusePort(reusePort);
            fd.setReceiveBufferSize(bufferBytes);
            fd.setSendBufferSize(bufferBytes);
            fd.bind(local);
        } catch (IOException e) {
            fd.close();
            throw e;
        }
        NativeDatagramSocket socket = new NativeDatagramSocket(loop, fd, receiver, counters);
        Promise<UdpSocket> bound = loop.newPromise();
        loop.register(socket.new Handle()).addListener((Future<IoRegistration> registered) -> {
            if (!registered.isSuccess()) {
                fd.close();
                bound.setFailure(registered.cause());
                return;
            }
            try {
                socket.buffers = LoopDatagramBuffers.mine();
                socket.registration = registered.getNow();
                receiver.bound(socket);
                socket.registration.submit(READING);
                bound.setSuccess(socket);
            } catch (RuntimeException e) {
                socket.close();
                bound.setFailure(e);
            }
        });
        return bound;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public void write(ByteBuf datagram, InetSocketAddress to) {
        queue(datagram, 0, to);
    }

    @Override
    public void writeSegments(ByteBuf datagrams, int segmentSize, InetSocketAddress to) {
        queue(datagrams, segmentSize, to);
    }

    private void queue(ByteBuf datagrams, int segmentSize, InetSocketAddress to) {
        if (closed.isDone()) {
            datagrams.release();
            return;
        }
        if (to.isUnresolved()) {
            datagrams.release();
            counters.increment(ServerCounter.SEND_ERRORS);
            return;
        }
        ByteBuf sent = datagrams;
        if (!sent.hasMemoryAddress()) {
            // The natives take the bytes' address: a heap or composite buffer is copied once.
            sent = Transports.ALLOCATOR.directBuffer(datagrams.readableBytes()).writeBytes(datagrams);
            datagrams.release();
        }
        if (queue.add(sent, segmentSize, to)) {
            return;
        }
        flush();
        if (!queue.add(sent, segmentSize, to)) {
            sent.release();
            counters.increment(ServerCounter.SEND_BUFFER_FULL);
        }
    }

    @Override
    public void flush() {
        if (closed.isDone() || queue.isEmpty()) {
            return;
        }
        counters.add(ServerCounter.SEND_ERRORS, queue.send(fd.intValue(), fd.isIpv6(), buffers));
        boolean waiting = !queue.isEmpty();
        if (waiting != waitingToSend) {
            waitingToSend = waiting;
            registration.submit(waiting ? READING_AND_WAITING_TO_SEND : READING);
        }
    }

    @Override
    public boolean backlogged() {
        return waitingToSend;
    }

    @Override
    public Future<?> close() {
        if (closed.isDone()) {
            return closed;
        }
        if (loop.inEventLoop()) {
            closeNow();
        } else {
            loop.execute(this::closeNow);
        }
        return closed;
    }

    private void closeNow() {
        if (closed.isDone()) {
            return;
        }
        if (registration != null) {
            registration.cancel();
        }
        queue.discard();
        try {
            fd.close();
            closed.setSuccess(null);
        } catch (IOException e) {
            closed.setFailure(e);
        }
        // Once closed, so what the receiver sends while it winds down is released, not queued.
        if (registration != null) {
            receiver.closed();
        }
    }

    /**
     * Reads up to {@link Transports#DATAGRAMS_PER_BATCH} datagrams, {@link Transports#DATAGRAMS_PER_READ} per
     * recvmmsg call, until a call reads fewer; then the receiver's read is complete.
     */
    private void read() {
        int handedUp = 0;
        for (int call = 0; call < Transports.DATAGRAMS_PER_BATCH / Transports.DATAGRAMS_PER_READ && !closed.isDone(); call++) {
            ByteBuf buffer = buffers.receiveBuffer();
            int read = recvmmsg(fd.intValue(), buffer.memoryAddress() + ChannelDataHeadroom.HEADROOM,
                    Transports.MAX_DATAGRAM, Transports.DATAGRAMS_PER_READ, buffers.recordsAddress());
            if (read == Errors.ERROR_ECONNREFUSED_NEGATIVE) {
                // An ICMP port unreachable for an earlier send (RFC 1122 §4.1.3.3); the socket serves everyone else.
                counters.increment(ServerCounter.UNREACHABLE);
                continue;
            }
            for (int i = 0; i < read && !closed.isDone(); i++) {
                // A slot holds the largest UDP payload, so truncation means a kernel we do not understand.
                if (!buffers.truncated(i)) {
                    int start = ChannelDataHeadroom.HEADROOM + i * Transports.MAX_DATAGRAM;
                    receiver.datagram(buffer.setIndex(start, start + buffers.length(i)), buffers.sender(i));
                    handedUp++;
                }
            }
            if (read < Transports.DATAGRAMS_PER_READ) {
                break;
            }
        }
        if (handedUp > 0) {
            receiver.readComplete();
        }
    }

    /** What the event loop sees of the socket: its fd, its events, and the loop's own shutdown. */
    private final class Handle implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            EpollIoOps ops = ((EpollIoEvent) event).ops();
            try {
                if (ops.contains(EpollIoOps.EPOLLOUT)) {
                    flush();
                }
                // EPOLLERR too: a pending socket error is cleared by reading it.
                if (ops.contains(EpollIoOps.EPOLLIN) || ops.contains(EpollIoOps.EPOLLERR)) {
                    read();
                }
            } catch (RuntimeException e) {
                LOG.warn("UDP socket {}: datagram handling failed", localAddress, e);
            }
        }

        @Override
        public void close() {
            closeNow();
        }
    }

    /** Netty's socket, telling whether it is an IPv6 (dual-stack) one, which sends to IPv4 in mapped form. */
    private static final class DatagramFd extends Socket {
        DatagramFd() {
            super(newSocketDgram0());
        }

        boolean isIpv6() {
            return ipv6;
        }
    }

    /** recvmmsg(2) into {@code count} slots of {@code stride} bytes from {@code first}; records at {@code records}. */
    static native int recvmmsg(int fd, long first, int stride, int count, long records);

    /** sendmmsg(2) of the {@code count} entries of the table at {@code table}; returns how many were consumed. */
    static native int sendmmsg(int fd, boolean ipv6, long table, int count);
}
