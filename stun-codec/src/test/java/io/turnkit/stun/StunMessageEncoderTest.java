package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/** The encoder's framing: where it writes, the length it keeps, the padding, and what it refuses. */
class StunMessageEncoderTest {
    private static final byte[] TRANSACTION_ID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private final ByteBuf out = Unpooled.buffer();
    private final StunMessageEncoder encoder = new StunMessageEncoder();

    @Test
    void shouldKeepTheHeaderLengthCurrentAfterEveryAttribute() {
        encoder.wrap(out).header(0x0001, TRANSACTION_ID);
        assertEquals(0, out.getUnsignedShort(StunMessage.LENGTH_OFFSET));
        encoder.addString(StunAttributeType.SOFTWARE, "x");
        assertEquals(8, out.getUnsignedShort(StunMessage.LENGTH_OFFSET));
        encoder.addEmpty(StunAttributeType.DONT_FRAGMENT);
        assertEquals(12, out.getUnsignedShort(StunMessage.LENGTH_OFFSET));
    }

    @Test
    void shouldPadWithZerosByDefault() {
        encoder.wrap(out).header(0x0001, TRANSACTION_ID).addString(StunAttributeType.SOFTWARE, "x").finish();
        assertEquals(0, out.getMedium(25));
    }

    @Test
    void shouldReturnTheTotalLengthAndLeaveTheWriterIndexAfterIt() {
        out.writeZero(5);
        int length = encoder.wrap(out).header(0x0001, TRANSACTION_ID).addUint32(StunAttributeType.LIFETIME, 1).finish();
        assertEquals(28, length);
        assertEquals(33, out.writerIndex());
    }

    @Test
    void shouldCopyTheRequestTransactionId() {
        ByteBuf request = Unpooled.buffer();
        new StunMessageEncoder().wrap(request).header(0x0001, TRANSACTION_ID).finish();
        StunMessage m = new StunMessage().wrap(request, 0, 20);
        m.validate();
        encoder.wrap(out).header(0x0101, m).finish();
        StunMessage response = new StunMessage().wrap(out, 0, 20);
        assertEquals(StunValidation.VALID, response.validate());
        assertEquals(m.transactionIdHigh(), response.transactionIdHigh());
        assertEquals(m.transactionIdLow(), response.transactionIdLow());
        assertEquals(true, response.hasTransactionId(m.transactionIdHigh(), m.transactionIdLow()));
    }

    @Test
    void shouldWriteTransactionIdHalves() {
        encoder.wrap(out).header(0x0001, 0x0102030405060708L, 0x090A0B0C).finish();
        StunMessage m = new StunMessage().wrap(out, 0, 20);
        m.validate();
        byte[] id = new byte[12];
        m.copyTransactionId(id);
        assertEquals(TRANSACTION_ID[11], id[11]);
        assertEquals(TRANSACTION_ID[0], id[0]);
    }

    @Test
    void shouldEncodeIntoAPooledDirectBuffer() {
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        int length = encoder.wrap(direct).header(0x0101, TRANSACTION_ID)
            .addAddress(StunAttributeType.XOR_MAPPED_ADDRESS, new byte[16], 5000)
            .addFingerprint().finish();
        StunMessage m = new StunMessage();
        assertEquals(StunValidation.VALID, m.wrap(direct, 0, length).validate());
        direct.release();
    }

    @Test
    void shouldRefuseATransactionIdOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> encoder.wrap(out).header(0x0001, new byte[11]));
    }

    @Test
    void shouldRefuseAMessageTypeWiderThanFourteenBits() {
        assertThrows(IllegalArgumentException.class, () -> encoder.wrap(out).header(0x4001, TRANSACTION_ID));
    }

    @Test
    void shouldRefuseAnErrorCodeOutOfRange() {
        encoder.wrap(out).header(0x0111, TRANSACTION_ID);
        assertThrows(IllegalArgumentException.class, () -> encoder.addErrorCode(299, "x"));
        assertThrows(IllegalArgumentException.class, () -> encoder.addErrorCode(700, "x"));
    }

    @Test
    void shouldRefuseValuesThatDoNotFitTheirField() {
        encoder.wrap(out).header(0x0001, TRANSACTION_ID);
        assertThrows(IllegalArgumentException.class, () -> encoder.addUint32(StunAttributeType.LIFETIME, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> encoder.addChannelNumber(0x10000));
        assertThrows(IllegalArgumentException.class, () -> encoder.addRequestedTransport(256));
        assertThrows(IllegalArgumentException.class, () -> encoder.addBytes(0x10000, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> encoder.addBytes(StunAttributeType.DATA, new byte[65536]));
    }

    @Test
    void shouldRefuseToGrowPastTheLargestMessage() {
        encoder.wrap(out).header(0x0016, TRANSACTION_ID).addBytes(StunAttributeType.DATA, new byte[65000]);
        assertThrows(IllegalArgumentException.class, () -> encoder.addBytes(StunAttributeType.PADDING, new byte[600]));
    }
}
