package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Frame lengths of STUN and ChannelData on TCP/TLS (RFC 8656 §12.5, RFC 6062). */
class StreamFramingTest {
    private static final int MAX = 65536 + 4;
    private static final byte[] TRANSACTION_ID = new byte[12];

    private static ByteBuf stunMessage() {
        ByteBuf b = Unpooled.buffer();
        new StunMessageEncoder().wrap(b).header(0x0001, TRANSACTION_ID)
            .addString(StunAttributeType.SOFTWARE, "turnkit").finish();
        return b;
    }

    private static int frameLength(ByteBuf b, int readable) {
        return StreamFraming.frameLength(b, 0, readable, MAX);
    }

    @Test
    void shouldFrameACompleteStunMessage() {
        ByteBuf b = stunMessage();
        assertEquals(32, frameLength(b, b.writerIndex()));
    }

    @Test
    void shouldNeedMoreForEveryPrefixOfAStunMessage() {
        ByteBuf b = stunMessage();
        for (int readable = 0; readable < b.writerIndex(); readable++) {
            assertEquals(StreamFraming.NEED_MORE, frameLength(b, readable), "readable " + readable);
        }
    }

    @Test
    void shouldFrameAChannelDataMessageWithPadding() {
        ByteBuf b = Unpooled.buffer();
        ChannelData.writeHeader(b, 0x4000, 5);
        b.writeZero(8);
        assertEquals(StreamFraming.NEED_MORE, frameLength(b, 11));
        assertEquals(12, frameLength(b, 12));
    }

    @Test
    void shouldFrameBackToBackMessages() {
        ByteBuf b = stunMessage();
        ChannelData.writeHeader(b, 0x4FFF, 3);
        b.writeZero(4);
        int first = frameLength(b, b.writerIndex());
        assertEquals(32, first);
        assertEquals(8, StreamFraming.frameLength(b, first, b.writerIndex() - first, MAX));
    }

    @Test
    void shouldRejectLeadingBitsOfNeither() {
        assertEquals(StreamFraming.INVALID, frameLength(Unpooled.buffer().writeInt(0x80000000), 4));
        assertEquals(StreamFraming.INVALID, frameLength(Unpooled.buffer().writeInt(0xC0000000), 4));
    }

    @Test
    void shouldRejectWhatTheDemuxCallsDtlsEvenWithAMagicCookie() {
        // RFC 7983 §7: a first byte of 20-63 is DTLS, whatever follows; STUN starts with 0-3.
        ByteBuf b = Unpooled.buffer().writeShort(0x1401).writeShort(0).writeInt(StunMessage.MAGIC_COOKIE)
                .writeZero(StunMessage.TRANSACTION_ID_LENGTH);
        assertEquals(StreamFraming.INVALID, frameLength(b, b.writerIndex()));
        b.setShort(0, 0x0001);
        assertEquals(StunMessage.HEADER_LENGTH, frameLength(b, b.writerIndex()));
    }

    @Test
    void shouldAcceptRfc5766ChannelNumbersAndNothingBeyond() {
        assertEquals(4, frameLength(Unpooled.buffer().writeShort(0x7FFF).writeShort(0), 4));
        assertEquals(StreamFraming.INVALID, frameLength(Unpooled.buffer().writeShort(0x8000).writeShort(0), 4));
    }

    @Test
    void shouldRejectAStunHeaderWithoutTheMagicCookie() {
        ByteBuf b = stunMessage();
        b.setInt(StunMessage.MAGIC_COOKIE_OFFSET, 0);
        assertEquals(StreamFraming.INVALID, frameLength(b, 8));
    }

    @Test
    void shouldRejectAStunLengthNotMultipleOfFour() {
        ByteBuf b = stunMessage();
        b.setShort(StunMessage.LENGTH_OFFSET, 13);
        assertEquals(StreamFraming.INVALID, frameLength(b, 8));
    }

    @Test
    void shouldRejectAFrameLongerThanTheMaximum() {
        ByteBuf b = stunMessage();
        assertEquals(StreamFraming.INVALID, StreamFraming.frameLength(b, 0, b.writerIndex(), 31));
    }
}
