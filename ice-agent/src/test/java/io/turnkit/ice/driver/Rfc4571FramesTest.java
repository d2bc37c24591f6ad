package io.turnkit.ice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

class Rfc4571FramesTest {
    private final Rfc4571Frames frames = new Rfc4571Frames();
    private final List<String> seen = new ArrayList<>();

    private void read(String hex) {
        frames.append(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex)));
        frames.drain(f -> seen.add(ByteBufUtil.hexDump(f)));
    }

    @Test
    void shouldCutFramesArrivingSeveralInOneRead() {
        read("0002aabb" + "0000" + "0001cc");
        assertEquals(List.of("aabb", "", "cc"), seen);
        assertEquals(0, frames.buffered());
    }

    @Test
    void shouldKeepAFrameSplitAnywhereUntilItIsWhole() {
        read("00");
        read("03aa");
        assertEquals(List.of(), seen);
        read("bbcc00");
        assertEquals(List.of("aabbcc"), seen);
        assertEquals(1, frames.buffered(), "half of the next length");
        read("01dd");
        assertEquals(List.of("aabbcc", "dd"), seen);
    }

    @Test
    void shouldStopHandingOutFramesWhenTheHandlerSaysSo() {
        frames.append(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0001aa0001bb")));
        frames.drain(f -> {
            seen.add(ByteBufUtil.hexDump(f));
            frames.stop();
        });
        assertEquals(List.of("aa"), seen);
    }

    @Test
    void shouldWriteTheLengthAndRefuseWhatNoFrameCanHold() {
        ByteBuf header = Rfc4571Frames.header(UnpooledByteBufAllocator.DEFAULT, 0x1234);
        assertEquals("1234", ByteBufUtil.hexDump(header));
        header.release();
        assertNull(Rfc4571Frames.header(UnpooledByteBufAllocator.DEFAULT, Rfc4571Frames.MAX_FRAME + 1));
    }
}
