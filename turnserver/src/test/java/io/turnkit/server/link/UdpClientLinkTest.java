package io.turnkit.server.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.turnkit.server.TestServices;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.server.transport.DatagramReading;
import io.turnkit.server.transport.Transports;

/** How much of relay receive buffers a UDP client link lets frames in place hold (ChannelDataHeadroom). */
class UdpClientLinkTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    /** An epoll receive buffer: the headroom and 8 slots of 64 KiB. */
    private static final int BUFFER = ChannelDataHeadroom.HEADROOM + Transports.DATAGRAMS_PER_READ * Transports.MAX_DATAGRAM;

    private final TestServices server = new TestServices(
            ServerConfig.builder().listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())).build());
    private final UdpClientLink link = new UdpClientLink(server.services(), false, null, null);
    /** A socket whose kernel takes nothing while {@link #full} holds: what is flushed stays queued. */
    private boolean full;
    private final EmbeddedChannel channel = new EmbeddedChannel(new DatagramReading(link, server.services().counters())) {
        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);
        }

        @Override
        protected void doWrite(ChannelOutboundBuffer in) throws Exception {
            if (!full) {
                super.doWrite(in);
            }
        }
    };

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        server.close();
    }

    @Test
    void aBoundedSizeOfReceiveBuffersBetweenTwoSends() {
        int admitted = 0;
        while (link.admitFramesInPlace(BUFFER)) {
            admitted++;
            assertTrue(admitted <= Transports.DATAGRAMS_PER_BATCH, "no bound");
        }
        assertEquals(Transports.DATAGRAMS_PER_BATCH / Transports.DATAGRAMS_PER_READ, admitted, "the buffers of a read batch");
        link.flushNow();
        assertTrue(link.admitFramesInPlace(BUFFER), "the send let the buffers go");
    }

    @Test
    void noneWhileTheSocketHasABacklog() {
        full = true;
        link.write(Unpooled.copiedBuffer(new byte[] {1}), CLIENT);
        link.flushNow();
        assertFalse(link.admitFramesInPlace(BUFFER), "a queued frame in place would keep its buffer");
        full = false;
        link.flushNow();
        assertTrue(link.admitFramesInPlace(BUFFER), "the backlog was sent");
    }
}
