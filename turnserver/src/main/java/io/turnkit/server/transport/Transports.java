package io.turnkit.server.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.nativeudp.NativeDatagramLibrary;
import io.turnkit.server.transport.nativeudp.NativeDatagramSocket;

/**
 * Native epoll on Linux (recvmmsg, SO_REUSEPORT), NIO everywhere else: one choice made once at start.
 */
public final class Transports {
    public static final int MAX_DATAGRAM = 65_535;
    public static final int DATAGRAMS_PER_READ = 8;
    /**
     * What a socket reads when epoll says it is ready, before the event loop turns to the next socket: up to 8
     * recvmmsg calls. The batch ends in one flush, so under load fewer epoll_wait calls and larger sendmmsg
     * and GSO sends carry the same datagrams (load (b): about 15 % less CPU per packet than one call a batch).
     */
    public static final int DATAGRAMS_PER_BATCH = 8 * DATAGRAMS_PER_READ;
    /** A listening socket serves every client of its event loop. */
    public static final int LISTENER_BUFFER_BYTES = 4 << 20;
    /** A relay socket serves one allocation. */
    public static final int RELAY_BUFFER_BYTES = 1 << 20;
    /**
     * The pooled allocator recycles slices and caches NIO views per thread; Netty 4.2's default (adaptive)
     * allocates a new slice object for every datagram of a recvmmsg batch.
     */
    public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    /** Event-loop threads are named turnkit-loop-N-M, so profiles and tests can tell them apart. */
    public static final String EVENT_LOOP_THREAD_PREFIX = "turnkit-loop";
    /**
     * SO_REUSEPORT as a raw option (SOL_SOCKET 1, SO_REUSEPORT 15 on Linux): Netty's epoll stream sockets have no
     * option of their own for it, only its listening and datagram sockets.
     */
    private static final IntegerUnixChannelOption REUSE_PORT = new IntegerUnixChannelOption("SO_REUSEPORT", 1, 15);
    private final boolean epoll;
    /** Whether UDP sockets are turnkit's own ({@link NativeDatagramSocket}) rather than Netty's channels. */
    private final boolean nativeDatagrams;

    private Transports(boolean epoll, boolean nativeDatagrams) {
        this.epoll = epoll;
        this.nativeDatagrams = nativeDatagrams;
    }

    public static Transports best() {
        return new Transports(Epoll.isAvailable(), NativeDatagramLibrary.isAvailable());
    }

    /** epoll, with UDP through turnkit's own recvmmsg/sendmmsg sockets; where both are available. */
    public static Transports nativeUdp() {
        return new Transports(true, true);
    }

    /** epoll, with UDP through Netty's epoll datagram channels; where epoll is available. */
    public static Transports epoll() {
        return new Transports(true, false);
    }

    /** NIO: the transport everywhere but Linux. */
    public static Transports nio() {
        return new Transports(false, false);
    }

    public boolean isEpoll() {
        return epoll;
    }

    /** "epoll with native UDP", "epoll" or "nio": what serves UDP, for the start line and the tests. */
    public String name() {
        return nativeDatagrams ? "epoll with native UDP" : epoll ? "epoll" : "nio";
    }

    /** Why UDP goes through Netty's channels on epoll, for the log; null where it does not. */
    public String nettyDatagramsReason() {
        return epoll && !nativeDatagrams ? NativeDatagramLibrary.unavailabilityReason() : null;
    }

    public EventLoopGroup newEventLoopGroup(int threads) {
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(EVENT_LOOP_THREAD_PREFIX), factory);
    }

    /**
     * Binds a UDP socket on {@code loop}, whose datagrams go to {@code receiver}: a listening socket
     * ({@code reusePort}: one per event loop on one address) or a relay socket.
     * <p>
     * Datagram sockets read whole datagrams (up to the 65,535-byte UDP limit, so nothing is truncated), each
     * with room for a ChannelData header in front ({@link ChannelDataHeadroom}); with epoll,
     * {@link #DATAGRAMS_PER_READ} of them per recvmmsg call, {@link #DATAGRAMS_PER_BATCH} per batch. Writes
     * queued before one flush leave in one sendmmsg call (Netty does this for epoll datagram channels).
     * Socket buffers ride out a burst while the event loop is busy: {@code bufferBytes} for receiving and
     * sending, which the kernel caps at net.core.rmem_max / wmem_max. turnkit's own sockets
     * ({@link NativeDatagramSocket}) do all of this with no object made per datagram; Netty's channels make a
     * packet and its sender's address for each.
     */
    public Future<UdpSocket> bindDatagram(EventLoop loop, InetSocketAddress local, boolean reusePort, int bufferBytes,
            DatagramReceiver receiver, ServerCounters counters) {
        if (nativeDatagrams) {
            try {
                return NativeDatagramSocket.bind((IoEventLoop) loop, local, reusePort, bufferBytes, receiver, counters);
            } catch (IOException e) {
                return loop.newFailedFuture(e);
            }
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .option(ChannelOption.SO_RCVBUF, bufferBytes)
                .option(ChannelOption.SO_SNDBUF, bufferBytes)
                .handler(new DatagramReading(receiver, counters));
        if (epoll) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(EpollChannelOption.SO_REUSEPORT, reusePort)
                    .option(ChannelOption.RECVBUF_ALLOCATOR,
                            new ChannelDataHeadroom(MAX_DATAGRAM * DATAGRAMS_PER_READ, DATAGRAMS_PER_BATCH));
        } else {
            bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, new ChannelDataHeadroom(MAX_DATAGRAM, DATAGRAMS_PER_BATCH));
        }
        Promise<UdpSocket> bound = loop.newPromise();
        ChannelFuture binding = bootstrap.bind(local);
        binding.addListener(f -> {
            if (f.isSuccess()) {
                bound.setSuccess(new NettyUdpSocket(binding.channel()));
            } else {
                bound.setFailure(f.cause());
            }
        });
        return bound;
    }

    /** UDP generic segmentation offload: epoll on a kernel with UDP_SEGMENT. */
    public boolean udpSegmentation() {
        return epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    public Class<? extends ServerChannel> serverSocketChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Lets several TCP sockets bind one address: a TCP relay's listening socket and the connections it makes
     * to peers from the same relayed address (RFC 6062 §5.2). Linux refuses to bind a port a listening socket
     * holds unless both have SO_REUSEPORT.
     */
    public void shareAddress(AbstractBootstrap<?, ?> bootstrap) {
        bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        if (epoll) {
            bootstrap.option(REUSE_PORT, 1);
        } else {
            bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        }
    }
}
