package io.turnkit.ice.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll where Netty's library loads (Linux), NIO everywhere else: one choice, made once. */
final class NettyTransport {
    static final boolean EPOLL = Epoll.isAvailable();
    /** Event-loop threads are named turnkit-ice-N-M, so profiles and thread dumps tell them apart. */
    private static final String THREAD_PREFIX = "turnkit-ice";

    private NettyTransport() {
    }

    static EventLoopGroup newEventLoopGroup(int threads) {
        IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(THREAD_PREFIX, true), factory);
    }

    static Class<? extends DatagramChannel> datagramChannel() {
        return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * SO_REUSEADDR and SO_REUSEPORT on the listening socket {@code bootstrap} makes: it shares its port with
     * connecting sockets (ICE-TCP simultaneous open, {@link #reusePort(Channel)}).
     */
    static ServerBootstrap reusePort(ServerBootstrap bootstrap) {
        return bootstrap.option(ChannelOption.SO_REUSEADDR, true).option(EPOLL ? EpollChannelOption.SO_REUSEPORT
                : NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }

    /**
     * SO_REUSEADDR and SO_REUSEPORT on a connecting socket, registered and not yet bound: it binds the port a
     * listener holds. Netty's epoll client channel has no option for SO_REUSEPORT, so it is set on the descriptor.
     */
    static void reusePort(Channel channel) throws IOException {
        channel.config().setOption(ChannelOption.SO_REUSEADDR, true);
        if (channel instanceof EpollSocketChannel epoll) {
            ((Socket) epoll.fd()).setReusePort(true);
        } else {
            channel.config().setOption(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        }
    }

    /**
     * The channel {@code bind} binds to {@code address}, once bound; a port in use, an address not of this host or a
     * port not allowed throws an {@link UncheckedIOException} that names {@code what} and the address.
     */
    static Channel bound(ChannelFuture bind, String what, InetSocketAddress address) {
        bind.awaitUninterruptibly();
        if (!bind.isSuccess()) {
            Throwable cause = bind.cause();
            throw new UncheckedIOException("cannot bind " + what + " on " + address + ": " + cause.getMessage(),
                    cause instanceof IOException io ? io : new IOException(cause));
        }
        return bind.channel();
    }

    static Class<? extends ServerSocketChannel> serverSocketChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
