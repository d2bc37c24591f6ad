package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.SegmentedDatagramPacket;

class ProbeRunTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void probesOfOneLengthLeaveInOneSegmentedSend() {
        ProbeRun run = new ProbeRun(channel, SERVER, new Marked(8), true);
        run.add(1, 0);
        run.add(2, 0);
        run.add(3, 0);
        run.write();
        SegmentedDatagramPacket packet = next(SegmentedDatagramPacket.class);
        assertEquals(8, packet.segmentSize());
        assertEquals(SERVER, packet.recipient());
        assertEquals("01".repeat(8) + "02".repeat(8) + "03".repeat(8), ByteBufUtil.hexDump(packet.content()));
        packet.release();
        assertNull(flushed());
    }

    @Test
    void aLoneProbeLeavesAsAPlainDatagram() {
        ProbeRun run = new ProbeRun(channel, SERVER, new Marked(8), true);
        run.add(7, 0);
        run.write();
        ByteBuf probe = next(ByteBuf.class);
        assertEquals("07".repeat(8), ByteBufUtil.hexDump(probe));
        probe.release();
    }

    @Test
    void aProbeOfAnotherLengthStartsTheNextRun() {
        ProbeRun run = new ProbeRun(channel, SERVER, new Marked(8, 5), true);
        run.add(1, 0);
        run.add(2, 0);
        run.add(3, 0);
        run.add(4, 0);
        run.write();
        SegmentedDatagramPacket first = next(SegmentedDatagramPacket.class);
        assertEquals("01".repeat(8) + "02".repeat(8), ByteBufUtil.hexDump(first.content()));
        first.release();
        SegmentedDatagramPacket second = next(SegmentedDatagramPacket.class);
        assertEquals(5, second.segmentSize());
        assertEquals("03".repeat(5) + "04".repeat(5), ByteBufUtil.hexDump(second.content()));
        second.release();
    }

    @Test
    void aRunStopsAtTheKernelsSegmentLimit() {
        ProbeRun run = new ProbeRun(channel, SERVER, new Marked(8), true);
        for (int i = 0; i < 65; i++) {
            run.add(i, 0);
        }
        run.write();
        SegmentedDatagramPacket full = next(SegmentedDatagramPacket.class);
        assertEquals(64 * 8, full.content().readableBytes());
        full.release();
        next(ByteBuf.class).release();
    }

    @Test
    void withoutSegmentationEveryProbeLeavesOnItsOwn() {
        ProbeRun run = new ProbeRun(channel, SERVER, new Marked(8), false);
        run.add(1, 0);
        run.add(2, 0);
        run.write();
        for (int i = 1; i <= 2; i++) {
            ByteBuf probe = next(ByteBuf.class);
            assertEquals(String.format("%02x", i).repeat(8), ByteBufUtil.hexDump(probe));
            probe.release();
        }
        assertNull(flushed());
    }

    private <T> T next(Class<T> type) {
        return assertInstanceOf(type, flushed());
    }

    private Object flushed() {
        channel.flush();
        return channel.readOutbound();
    }

    /** Probes of {@code length} bytes, each byte the sequence number; from the third on, {@code later} bytes. */
    private static final class Marked implements ProbeFormat {
        private final int length;
        private final int later;

        Marked(int length) {
            this(length, length);
        }

        Marked(int length, int later) {
            this.length = length;
            this.later = later;
        }

        @Override
        public int maxLength() {
            return Math.max(length, later);
        }

        @Override
        public void write(ByteBuf out, long sequence, long sentNanos) {
            int n = sequence >= 3 ? later : length;
            for (int i = 0; i < n; i++) {
                out.writeByte((int) sequence);
            }
        }

        @Override
        public boolean read(ByteBuf datagram, Probe probe) {
            return false;
        }
    }
}
