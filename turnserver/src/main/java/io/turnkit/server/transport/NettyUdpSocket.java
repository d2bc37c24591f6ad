package io.turnkit.server.transport;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.concurrent.Future;

/**
 * A UDP socket that is a Netty datagram channel (NIO, or epoll where turnkit's own datagram I/O is not
 * built): writes are the channel's, queued until a flush, which epoll sends in one sendmmsg call. What the
 * channel reads reaches a {@link DatagramReceiver} through {@link DatagramReading}.
 */
public final class NettyUdpSocket implements UdpSocket {
    private final Channel channel;

    public NettyUdpSocket(Channel channel) {
        this.channel = channel;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public void write(ByteBuf datagram, InetSocketAddress to) {
        channel.write(new DatagramPacket(datagram, to), channel.voidPromise());
    }

    @Override
    public void writeSegments(ByteBuf datagrams, int segmentSize, InetSocketAddress to) {
        channel.write(new SegmentedDatagramPacket(datagrams, segmentSize, to), channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public boolean backlogged() {
        ChannelOutboundBuffer unsent = channel.unsafe().outboundBuffer();
        return unsent != null && !unsent.isEmpty();
    }

    @Override
    public Future<?> close() {
        return channel.close();
    }
}
