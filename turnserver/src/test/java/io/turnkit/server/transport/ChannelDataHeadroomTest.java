package io.turnkit.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

public class ChannelDataHeadroomTest {
    /** A recvmmsg slot as the epoll channel lays them out, small enough to read the whole buffer in a dump. */
    private static final int SLOT = 32;

    private final List<ByteBuf> held = new ArrayList<>();

    @AfterEach
    void release() {
        held.forEach(ByteBuf::release);
    }

    @Test
    void receiveBuffersStartWithTheHeadroomAndHoldTheAskedBytesBehindIt() {
        ByteBuf buffer = allocate(4 * SLOT);
        assertEquals(4, buffer.readerIndex());
        assertEquals(4, buffer.writerIndex());
        assertEquals(4 * SLOT, buffer.writableBytes());
    }

    @Test
    void theHeaderGoesInFrontOfEachDatagramOfABatchWithoutTouchingTheOthers() {
        ByteBuf buffer = allocate(3 * SLOT);
        ByteBuf first = received(buffer, 0, "first datagram");
        ByteBuf second = received(buffer, 1, "the second fills it, 24b");
        ByteBuf firstFrame = hold(inPlace(first, 0x4001));
        ByteBuf secondFrame = hold(inPlace(second, 0x4002));

        assertEquals("4001000e" + hex("first datagram"), ByteBufUtil.hexDump(firstFrame));
        assertEquals("40020018" + hex("the second fills it, 24b"), ByteBufUtil.hexDump(secondFrame));
        // The second header landed behind the first datagram, which is still as it was received.
        assertEquals(hex("first datagram"), ByteBufUtil.hexDump(first));
        assertEquals(hex("first datagram"), ByteBufUtil.hexDump(firstFrame, 4, 14));
    }

    @Test
    void theFrameSharesTheDatagramsMemoryAndOutlivesIt() {
        ByteBuf buffer = allocate(2 * SLOT);
        ByteBuf data = received(buffer, 1, "payload");
        ByteBuf frame = hold(inPlace(data, 0x4000));
        if (frame.hasMemoryAddress()) {
            assertEquals(data.memoryAddress(), frame.memoryAddress() + 4);
        }
        data.release();
        held.removeIf(b -> b == data);
        assertEquals("40000007" + hex("payload"), ByteBufUtil.hexDump(frame));
    }

    @Test
    void aDatagramTheLeakDetectorWrappedIsFramedInItsBufferAllTheSame() {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            ByteBuf buffer = allocate(2 * SLOT);
            received(buffer, 0, "first");
            ByteBuf data = received(buffer, 1, "tracked");
            assertNotNull(data.unwrap().unwrap(), "a wrapper around a slice");
            ByteBuf frame = hold(inPlace(data, 0x4000));
            assertEquals("40000007" + hex("tracked"), ByteBufUtil.hexDump(frame));
            assertEquals(data.memoryAddress(), frame.memoryAddress() + 4);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    @Test
    void aDatagramReadAloneIntoItsBufferHasTheHeadroomToo() {
        // NIO reads one datagram into the buffer itself: no slice in between.
        ByteBuf buffer = allocate(SLOT);
        buffer.writeBytes("alone".getBytes());
        assertEquals("40000005" + hex("alone"), ByteBufUtil.hexDump(hold(inPlace(buffer, 0x4000))));
    }

    @Test
    void dataWithoutHeadroomIsLeftToTheCaller() {
        ByteBuf buffer = hold(Transports.ALLOCATOR.directBuffer(SLOT).writeBytes("no room".getBytes()));
        assertNull(inPlace(buffer, 0x4000));
        assertNull(inPlace(hold(buffer.retainedSlice(0, 2)), 0x4000));
        assertEquals(hex("no room"), ByteBufUtil.hexDump(buffer));
    }

    @Test
    void aSliceIsFramedWhereItsMemoryAddressIsKnown() {
        ByteBuf buffer = allocate(SLOT);
        ByteBuf data = hold(buffer.setBytes(buffer.readerIndex(), "x".getBytes()).retainedSlice(buffer.readerIndex(), 1));
        ByteBuf frame = hold(inPlace(data, 0x4000));
        if (slicesHaveMemoryAddresses()) {
            assertNotNull(frame);
        } else {
            assertNull(frame, "without a memory address a slice's place in its buffer is unknown: the caller copies");
        }
    }

    private static ByteBuf inPlace(ByteBuf data, int channel) {
        return ChannelDataHeadroom.frameInPlace(data, BufferOrigin.of(data), channel);
    }

    @SuppressWarnings("deprecation")
    private ByteBuf allocate(int bytes) {
        RecvByteBufAllocator.Handle handle = new ChannelDataHeadroom(bytes, 1).newHandle();
        return hold(handle.allocate(Transports.ALLOCATOR));
    }

    /**
     * Datagram {@code slot} of a batch, placed and sliced out as the epoll channel's recvmmsg read does. Such a
     * slice is framed in place only where pooled direct buffers have memory addresses: see the last test.
     */
    private ByteBuf received(ByteBuf buffer, int slot, String text) {
        assumeTrue(slicesHaveMemoryAddresses(), "slices are framed in place only with memory addresses");
        byte[] bytes = text.getBytes();
        assertTrue(bytes.length <= SLOT - 8, "the kernel leaves the last 8 bytes of a slot free");
        int at = buffer.readerIndex() + slot * SLOT;
        buffer.setBytes(at, bytes);
        buffer.writerIndex(Math.max(buffer.writerIndex(), at + SLOT));
        return hold(buffer.retainedSlice(at, bytes.length));
    }

    /** Whether the pooled direct buffers that datagrams are read into expose their memory address. */
    public static boolean slicesHaveMemoryAddresses() {
        ByteBuf probe = Transports.ALLOCATOR.directBuffer(1);
        try {
            return probe.hasMemoryAddress();
        } finally {
            probe.release();
        }
    }

    private ByteBuf hold(ByteBuf buffer) {
        if (buffer != null) {
            held.add(buffer);
        }
        return buffer;
    }

    private static String hex(String text) {
        return ByteBufUtil.hexDump(text.getBytes());
    }
}
