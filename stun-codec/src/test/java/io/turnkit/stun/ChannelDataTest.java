package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** RFC 8656 §12.4/§12.5 ChannelData framing. */
class ChannelDataTest {
    private final ChannelData channelData = new ChannelData();

    private static ByteBuf frame(int channel, int dataLength, int totalLength) {
        ByteBuf b = Unpooled.buffer();
        ChannelData.writeHeader(b, channel, dataLength);
        b.writeZero(totalLength - ChannelData.HEADER_LENGTH);
        return b;
    }

    private ChannelDataValidation validate(ByteBuf b, boolean stream) {
        return channelData.wrap(b, 0, b.writerIndex()).validate(stream);
    }

    @Test
    void shouldReadAValidMessage() {
        ByteBuf b = Unpooled.buffer().writeZero(3);
        ChannelData.writeHeader(b, 0x4001, 5);
        b.writeBytes(new byte[] {1, 2, 3, 4, 5});
        assertEquals(ChannelDataValidation.VALID, channelData.wrap(b, 3, 9).validate(false));
        assertEquals(0x4001, channelData.channelNumber());
        assertEquals(5, channelData.dataLength());
        assertEquals(7, channelData.dataOffset());
        assertEquals(3, b.getByte(channelData.dataOffset() + 2));
        assertEquals(0, b.readerIndex());
    }

    @Test
    void shouldRejectFewerThanFourBytes() {
        assertEquals(ChannelDataValidation.TOO_SHORT, validate(Unpooled.buffer().writeZero(3), false));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0000, 0x3FFF, 0x8000, 0xFFFF})
    void shouldRejectChannelNumbersOutsideTheRange(int channel) {
        ByteBuf b = Unpooled.buffer().writeShort(channel).writeShort(0);
        assertEquals(ChannelDataValidation.BAD_CHANNEL_NUMBER, validate(b, false));
        assertFalse(ChannelData.isValidChannelNumber(channel));
        assertFalse(ChannelData.isChannelNumber(channel));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x4000, 0x4ABC, 0x4FFF})
    void shouldAcceptChannelNumbersInTheRange(int channel) {
        assertEquals(ChannelDataValidation.VALID, validate(frame(channel, 0, 4), false));
        assertTrue(ChannelData.isValidChannelNumber(channel));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x5000, 0x6ABC, 0x7FFF})
    void shouldAcceptRfc5766ChannelNumbersButNotChooseThem(int channel) {
        assertEquals(ChannelDataValidation.VALID, validate(frame(channel, 0, 4), false));
        assertTrue(ChannelData.isChannelNumber(channel));
        assertFalse(ChannelData.isValidChannelNumber(channel), "RFC 8656 clients choose 0x4000-0x4FFF");
    }

    @Test
    void shouldAcceptAnUnpaddedDatagram() {
        assertEquals(ChannelDataValidation.VALID, validate(frame(0x4000, 5, 9), false));
    }

    @Test
    void shouldAcceptADatagramLongerThanItsData() {
        assertEquals(ChannelDataValidation.VALID, validate(frame(0x4000, 5, 12), false));
    }

    @Test
    void shouldRejectADatagramShorterThanItsData() {
        assertEquals(ChannelDataValidation.LENGTH_OVERRUN, validate(frame(0x4000, 5, 8), false));
    }

    @Test
    void shouldRequirePaddingOnAStream() {
        assertEquals(ChannelDataValidation.LENGTH_OVERRUN, validate(frame(0x4000, 5, 9), true));
        assertEquals(ChannelDataValidation.VALID, validate(frame(0x4000, 5, 12), true));
    }

    @Test
    void shouldPadToFourBytes() {
        assertEquals(4, ChannelData.paddedLength(0));
        assertEquals(8, ChannelData.paddedLength(1));
        assertEquals(8, ChannelData.paddedLength(4));
        assertEquals(12, ChannelData.paddedLength(5));
        assertEquals(65540, ChannelData.paddedLength(65535));
    }

    @Test
    void shouldRefuseToWriteAnInvalidHeader() {
        ByteBuf b = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> ChannelData.writeHeader(b, 0x8000, 1));
        assertThrows(IllegalArgumentException.class, () -> ChannelData.writeHeader(b, 0x4000, 65536));
        assertEquals(0, b.writerIndex());
    }

    @Test
    void shouldRejectAWrapBeyondTheBuffer() {
        ByteBuf b = frame(0x4000, 0, 4);
        assertEquals(ChannelDataValidation.TOO_SHORT, channelData.wrap(b, 2, b.capacity()).validate(false));
    }
}
