package io.turnkit.ice.driver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.turnkit.ice.mdns.MdnsCandidates;
import io.turnkit.ice.mdns.MdnsTransmit;
import io.turnkit.ice.mdns.MulticastDns;

/**
 * The mDNS side of one {@link DrivenAgent}: a UDP socket on port 5353 (shared with other mDNS programs of the host,
 * SO_REUSEADDR and SO_REUSEPORT) joined to 224.0.0.251 on the interfaces of the agent's host addresses only, sending
 * on the first of them, with a TTL of 255 (RFC 6762 §11); the {@link MulticastDns} and {@link MdnsCandidates} it
 * feeds run on the agent's event loop. With several agents on one host, each has its socket: multicast answers reach
 * them all, a unicast (QU) answer one of them, which is why the resolver asks again without QU (RFC 6762 §5.4).
 */
final class MdnsChannel {
    /** RFC 6762 §11: mDNS packets go out with IP TTL 255. */
    private static final int MULTICAST_TTL = 255;

    final MulticastDns mdns;
    final MdnsCandidates candidates;
    private Channel channel;

    MdnsChannel(MulticastDns mdns) {
        this.mdns = mdns;
        this.candidates = new MdnsCandidates(mdns, true);
    }

    /** Binds and joins; {@code onBound} gets null when done, else why it failed. */
    void open(EventLoop loop, List<InetAddress> hostAddresses, Consumer<DatagramPacket> onDatagram,
            Consumer<String> onBound) {
        Set<NetworkInterface> interfaces = new LinkedHashSet<>();
        try {
            for (InetAddress address : hostAddresses) {
                NetworkInterface nic = NetworkInterface.getByInetAddress(address);
                if (nic != null) {
                    interfaces.add(nic);
                }
            }
        } catch (SocketException e) {
            onBound.accept("mDNS: cannot find the interfaces: " + e.getMessage());
            return;
        }
        if (interfaces.isEmpty()) {
            onBound.accept("mDNS: no interface for the host addresses " + hostAddresses);
            return;
        }
        NetworkInterface first = interfaces.iterator().next();
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.IP_MULTICAST_IF, first)
                .option(ChannelOption.IP_MULTICAST_TTL, MULTICAST_TTL)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        onDatagram.accept(packet);
                    }
                });
        // An IPv4 socket: on a dual-stack one, IPv4 multicast options do not all apply, and the group would be
        // reached by the default route instead of the chosen interface.
        if (NettyTransport.EPOLL) {
            bootstrap.channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET))
                    .option(EpollChannelOption.SO_REUSEPORT, true);
        } else {
            bootstrap.channelFactory(() -> new NioDatagramChannel(SocketProtocolFamily.INET));
        }
        ChannelFuture bound = bootstrap.bind(new InetSocketAddress(MulticastDns.IPV4_ANY, MulticastDns.PORT));
        bound.addListener(f -> {
            if (!f.isSuccess()) {
                onBound.accept("mDNS: cannot bind port " + MulticastDns.PORT + ": " + f.cause().getMessage());
                return;
            }
            channel = bound.channel();
            for (NetworkInterface nic : interfaces) {
                ((DatagramChannel) channel).joinGroup(MulticastDns.IPV4_GROUP, nic).addListener(j -> {
                    if (!j.isSuccess()) {
                        onBound.accept("mDNS: cannot join " + MulticastDns.IPV4_GROUP + " on " + nic.getName()
                                + ": " + j.cause().getMessage());
                    }
                });
            }
            onBound.accept(null);
        });
    }

    /** Writes what {@link MulticastDns} has to send; true when there was something. */
    boolean writeTransmits() {
        boolean any = false;
        for (MdnsTransmit t = mdns.pollTransmit(); t != null; t = mdns.pollTransmit()) {
            any = true;
            if (channel == null) {
                t.content().release();
            } else {
                channel.write(new DatagramPacket(t.content(), t.destination()));
            }
        }
        if (any && channel != null) {
            channel.flush();
        }
        return any;
    }

    /** Withdraws the names (their goodbyes sent) and closes the socket. */
    void close() {
        candidates.close();
        writeTransmits();
        mdns.close();
        if (channel != null) {
            channel.close();
        }
    }
}
