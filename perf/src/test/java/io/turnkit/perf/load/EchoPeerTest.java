package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;

class EchoPeerTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
    private static final InetSocketAddress RELAY_A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 20_000);
    private static final InetSocketAddress RELAY_B = new InetSocketAddress(InetAddress.getLoopbackAddress(), 20_001);

    @Test
    void echoesEveryDatagramToItsSenderInOrderARunInOneSend() {
        EmbeddedChannel channel = new EmbeddedChannel(new EchoPeer(true));
        channel.writeInbound(datagram("aa", RELAY_A), datagram("bb", RELAY_A), datagram("cc", RELAY_B));
        SegmentedDatagramPacket run = assertInstanceOf(SegmentedDatagramPacket.class, channel.readOutbound());
        assertEquals(RELAY_A, run.recipient());
        assertEquals("aabb", ByteBufUtil.hexDump(run.content()));
        run.release();
        DatagramPacket alone = assertInstanceOf(DatagramPacket.class, channel.readOutbound());
        assertEquals(RELAY_B, alone.recipient());
        assertEquals("cc", ByteBufUtil.hexDump(alone.content()));
        alone.release();
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }

    private static DatagramPacket datagram(String hex, InetSocketAddress from) {
        return new DatagramPacket(Unpooled.directBuffer().writeBytes(ByteBufUtil.decodeHexDump(hex)), PEER, from);
    }
}
