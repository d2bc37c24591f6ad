package io.turnkit.ice.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.ChannelData;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/** Cutting a TCP or TLS stream into STUN and ChannelData frames (RFC 8656 §12.5). */
class StreamFrameReaderTest {
    private final StreamFrameReader reader = new StreamFrameReader();

    @Test
    void shouldCutFramesThatArriveOneByteAtATime() throws IOException {
        ByteBuf stream = Unpooled.buffer();
        int stun = stunMessage(stream);
        writeChannelData(stream, 5);
        writeChannelData(stream, 8);

        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i < stream.readableBytes(); i++) {
            reader.append(stream.slice(i, 1));
            for (ByteBuf frame = reader.next(); frame != null; frame = reader.next()) {
                lengths.add(frame.readableBytes());
            }
        }

        // ChannelData over a stream is padded to 4 bytes: 4 + 5 → 12, 4 + 8 → 12.
        assertEquals(List.of(stun, 12, 12), lengths);
        assertEquals(0, reader.buffered());
    }

    @Test
    void shouldHandFramesOutWithTheirBytes() throws IOException {
        ByteBuf stream = Unpooled.buffer();
        writeChannelData(stream, 3);
        byte[] bytes = ByteBufUtil.getBytes(stream);

        reader.readFrom(new ByteArrayInputStream(bytes), bytes.length);
        ByteBuf frame = reader.next();

        assertEquals(0x4001, frame.getUnsignedShort(frame.readerIndex()));
        assertEquals(3, frame.getUnsignedShort(frame.readerIndex() + 2));
        assertEquals(ByteBufUtil.hexDump(bytes), ByteBufUtil.hexDump(frame));
        assertNull(reader.next());
    }

    @Test
    void shouldKeepAnIncompleteFrame() throws IOException {
        ByteBuf stream = Unpooled.buffer();
        int stun = stunMessage(stream);

        reader.append(stream.slice(0, stun - 1));

        assertNull(reader.next());
        assertEquals(stun - 1, reader.buffered());
    }

    @Test
    void shouldRefuseBytesThatAreNeitherStunNorChannelData() {
        reader.append(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0}, 0, 8);

        assertThrows(ProtocolException.class, reader::next);
    }

    @Test
    void shouldReportTheEndOfTheStream() throws IOException {
        assertEquals(-1, reader.readFrom(new ByteArrayInputStream(new byte[0]), 1024));
    }

    private static int stunMessage(ByteBuf out) {
        return new StunMessageEncoder().wrap(out)
                .header(StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST), new byte[12])
                .addString(StunAttributeType.SOFTWARE, "x")
                .addFingerprint()
                .finish();
    }

    private static void writeChannelData(ByteBuf out, int dataLength) {
        ChannelData.writeHeader(out, 0x4001, dataLength);
        out.writeZero(ChannelData.paddedLength(dataLength) - ChannelData.HEADER_LENGTH);
    }
}
