package io.turnkit.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;

class DatagramBurstTest {
    private static final InetSocketAddress ALICE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_001);
    private static final InetSocketAddress BOB = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_002);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ServerCounters counters = new ServerCounters();
    private final DatagramBurst burst = new DatagramBurst(new NettyUdpSocket(channel), true, counters, ServerCounter.GSO_BURSTS_TO_PEER);
    private final List<ByteBuf> sent = new ArrayList<>();

    @AfterEach
    void releaseWhatWasSent() {
        sent.forEach(ByteBuf::release);
        channel.finishAndReleaseAll();
    }

    @Test
    void aLoneDatagramLeavesAsItCameWithoutACopy() {
        ByteBuf datagram = datagram(160, 1);
        burst.add(datagram, ALICE);
        burst.send();
        DatagramPacket packet = next(DatagramPacket.class);
        assertSame(datagram, packet.content());
        assertEquals(ALICE, packet.recipient());
        assertEquals(0, counters.get(ServerCounter.GSO_BURSTS_TO_PEER));
        assertNull(flushed());
    }

    @Test
    void datagramsOfOneSizeToOneDestinationLeaveInOneSegmentedSend() {
        burst.add(datagram(160, 1), ALICE);
        burst.add(datagram(160, 2), ALICE);
        burst.add(datagram(160, 3), ALICE);
        burst.send();
        SegmentedDatagramPacket packet = next(SegmentedDatagramPacket.class);
        assertEquals(160, packet.segmentSize());
        assertEquals(ALICE, packet.recipient());
        assertEquals(hex(datagram(160, 1), datagram(160, 2), datagram(160, 3)), ByteBufUtil.hexDump(packet.content()));
        assertEquals(1, counters.get(ServerCounter.GSO_BURSTS_TO_PEER));
        assertNull(flushed());
    }

    @Test
    void aShorterDatagramEndsTheRunAsItsLastSegment() {
        burst.add(datagram(160, 1), ALICE);
        burst.add(datagram(100, 2), ALICE);
        burst.add(datagram(160, 3), ALICE);
        burst.send();
        SegmentedDatagramPacket first = next(SegmentedDatagramPacket.class);
        assertEquals(160, first.segmentSize());
        assertEquals(hex(datagram(160, 1), datagram(100, 2)), ByteBufUtil.hexDump(first.content()));
        assertEquals(hex(datagram(160, 3)), ByteBufUtil.hexDump(next(DatagramPacket.class).content()));
    }

    @Test
    void aLongerDatagramOrAnotherDestinationStartsANewRunInOrder() {
        burst.add(datagram(100, 1), ALICE);
        burst.add(datagram(160, 2), ALICE);
        burst.add(datagram(160, 3), BOB);
        burst.add(datagram(160, 4), BOB);
        burst.add(datagram(160, 5), ALICE);
        burst.send();
        assertEquals(hex(datagram(100, 1)), ByteBufUtil.hexDump(next(DatagramPacket.class).content()));
        DatagramPacket second = next(DatagramPacket.class);
        assertEquals(ALICE, second.recipient());
        assertEquals(hex(datagram(160, 2)), ByteBufUtil.hexDump(second.content()));
        SegmentedDatagramPacket toBob = next(SegmentedDatagramPacket.class);
        assertEquals(BOB, toBob.recipient());
        assertEquals(hex(datagram(160, 3), datagram(160, 4)), ByteBufUtil.hexDump(toBob.content()));
        assertEquals(ALICE, next(DatagramPacket.class).recipient());
        assertNull(flushed());
    }

    @Test
    void aRunStopsAtTheKernelsSegmentLimit() {
        for (int i = 0; i < 65; i++) {
            burst.add(datagram(10, i), ALICE);
        }
        burst.send();
        assertEquals(64 * 10, next(SegmentedDatagramPacket.class).content().readableBytes());
        assertEquals(10, next(DatagramPacket.class).content().readableBytes());
    }

    @Test
    void aRunStopsBeforeItOutgrowsOneDatagram() {
        int size = 1400;
        int fit = DatagramBurst.MAX_BYTES / size;
        for (int i = 0; i <= fit; i++) {
            burst.add(datagram(size, i), ALICE);
        }
        burst.send();
        assertEquals(fit * size, next(SegmentedDatagramPacket.class).content().readableBytes());
        assertEquals(size, next(DatagramPacket.class).content().readableBytes());
    }

    @Test
    void withoutSegmentationEveryDatagramLeavesAtOnceOnItsOwn() {
        DatagramBurst plain = new DatagramBurst(new NettyUdpSocket(channel), false, counters, ServerCounter.GSO_BURSTS_TO_PEER);
        plain.add(datagram(160, 1), ALICE);
        plain.add(datagram(160, 2), ALICE);
        assertEquals(hex(datagram(160, 1)), ByteBufUtil.hexDump(next(DatagramPacket.class).content()));
        assertEquals(hex(datagram(160, 2)), ByteBufUtil.hexDump(next(DatagramPacket.class).content()));
        plain.send();
        assertNull(flushed());
    }

    @Test
    void discardReleasesWhatWasNeverSent() {
        ByteBuf lone = datagram(160, 1);
        burst.add(lone, ALICE);
        burst.discard();
        assertEquals(0, lone.refCnt());

        ByteBuf joined = datagram(160, 2);
        burst.add(datagram(160, 1), ALICE);
        burst.add(joined, ALICE);
        assertEquals(0, joined.refCnt(), "copied into the run and released");
        burst.discard();
        burst.send();
        assertNull(flushed());
    }

    /** The next datagram the burst queued on the channel (the burst's caller flushes, so the test does). */
    private <T extends DatagramPacket> T next(Class<T> type) {
        channel.flush();
        Object message = channel.readOutbound();
        T packet = assertInstanceOf(type, message);
        sent.add(packet.content());
        return packet;
    }

    private Object flushed() {
        channel.flush();
        return channel.readOutbound();
    }

    /** {@code size} bytes, each {@code mark}: runs of different datagrams are told apart. */
    private static ByteBuf datagram(int size, int mark) {
        ByteBuf buffer = Unpooled.directBuffer(size);
        for (int i = 0; i < size; i++) {
            buffer.writeByte(mark);
        }
        return buffer;
    }

    private static String hex(ByteBuf... datagrams) {
        StringBuilder all = new StringBuilder();
        for (ByteBuf datagram : datagrams) {
            all.append(ByteBufUtil.hexDump(datagram));
            datagram.release();
        }
        return all.toString();
    }
}
