package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.UdpSocket;

/** An echo peer on the server's sockets, against plain java.net sockets standing in for two relayed addresses. */
class EchoPeerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int TIMEOUT_MS = 5_000;

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void echoesEveryDatagramToItsSenderUnchangedFromItsPort() throws Exception {
        boolean segmentation = Epoll.isAvailable() && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        UdpSocket peer = UdpSocket.bind(group.next(), new InetSocketAddress(LOOPBACK, 0), 1 << 20,
                new EchoPeer(segmentation), new ServerCounters()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        try (DatagramSocket relayA = relay(); DatagramSocket relayB = relay()) {
            // A run of one size to one address (one GSO send where the kernel has it), then another address.
            for (int i = 0; i < 20; i++) {
                relayA.send(new DatagramPacket(payload(i, 300), 300, peer.localAddress()));
            }
            relayB.send(new DatagramPacket(payload(99, 41), 41, peer.localAddress()));
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(payload(i, 300), receive(relayA, peer), "echo " + i);
            }
            assertArrayEquals(payload(99, 41), receive(relayB, peer));
        } finally {
            peer.close().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static DatagramSocket relay() throws Exception {
        DatagramSocket relay = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        relay.setSoTimeout(TIMEOUT_MS);
        return relay;
    }

    private static byte[] receive(DatagramSocket relay, UdpSocket peer) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        relay.receive(packet);
        assertEquals(peer.localAddress(), packet.getSocketAddress(), "from the peer's port");
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    /** {@code length} bytes that tell datagram {@code n} apart from the others. */
    private static byte[] payload(int n, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (n * 31 + i * 7);
        }
        return bytes;
    }
}
