package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Typed readers given a value of the wrong size report it instead of reading past the attribute. */
class StunAttributesTest {
    private static final byte[] TRANSACTION_ID = new byte[12];

    private final StunMessage message = new StunMessage();

    /** A message with one attribute of {@code type} holding {@code length} 0xFF bytes, at the end of the buffer. */
    private int attribute(int type, int length) {
        byte[] value = new byte[length];
        Arrays.fill(value, (byte) 0xFF);
        ByteBuf b = Unpooled.buffer();
        new StunMessageEncoder().wrap(b).header(0x0003, TRANSACTION_ID).addBytes(type, value).finish();
        ByteBuf exact = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(b));
        message.wrap(exact, 0, exact.capacity()).validate();
        return StunMessage.HEADER_LENGTH;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 5, 8})
    void shouldReturnMinusOneForNumbersOfTheWrongSize(int length) {
        int attr = attribute(StunAttributeType.LIFETIME, length);
        assertEquals(-1, StunAttributes.uint32(message, attr));
        assertEquals(-1, StunAttributes.channelNumber(message, attr));
        assertEquals(-1, StunAttributes.requestedTransport(message, attr));
        assertEquals(-1, StunAttributes.addressFamily(message, attr));
        assertEquals(-1, StunAttributes.responsePort(message, attr));
        assertFalse(StunAttributes.hasValidLength(message, attr));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 7, 9})
    void shouldReturnZeroFor64BitValuesOfTheWrongSize(int length) {
        int attr = attribute(StunAttributeType.ICE_CONTROLLING, length);
        assertEquals(0, StunAttributes.uint64(message, attr));
        assertEquals(-1, StunAttributes.icmpType(message, attr));
        assertEquals(-1, StunAttributes.icmpErrorData(message, attr));
        assertFalse(StunAttributes.hasValidLength(message, attr));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void shouldRejectErrorCodeShorterThanFour(int length) {
        int attr = attribute(StunAttributeType.ERROR_CODE, length);
        assertEquals(-1, StunAttributes.errorCode(message, attr));
        assertEquals("", StunAttributes.errorReason(message, attr));
        assertEquals(-1, StunAttributes.addressErrorFamily(message, attr));
        assertEquals(-1, StunAttributes.passwordAlgorithm(message, attr));
    }

    @Test
    void shouldRejectErrorCodeOutsideClassesThreeToSix() {
        ByteBuf b = Unpooled.buffer();
        new StunMessageEncoder().wrap(b).header(0x0113, TRANSACTION_ID)
            .addBytes(StunAttributeType.ERROR_CODE, new byte[] {0, 0, 2, 0})
            .addBytes(StunAttributeType.ERROR_CODE, new byte[] {0, 0, 4, 100}).finish();
        message.wrap(b, 0, b.writerIndex()).validate();
        assertEquals(-1, StunAttributes.errorCode(message, 20));
        assertEquals(-1, StunAttributes.errorCode(message, 28));
    }

    @Test
    void shouldNotReadEvenPortOfEmptyValue() {
        assertFalse(StunAttributes.evenPortReserve(message, attribute(StunAttributeType.EVEN_PORT, 0)));
    }

    @Test
    void shouldFindNoAlgorithmInAMalformedList() {
        // An entry claiming 0xFFFF parameter bytes overruns the attribute.
        int attr = attribute(StunAttributeType.PASSWORD_ALGORITHMS, 8);
        assertFalse(StunAttributes.passwordAlgorithmsContains(message, attr, 0xFFFF));
        assertFalse(StunAttributes.passwordAlgorithmsEqual(message, attr, 0xFFFF, 0xFFFF));
    }

    @Test
    void shouldCheckPasswordAlgorithmParameterLength() {
        assertFalse(StunAttributes.hasValidLength(message, attribute(StunAttributeType.PASSWORD_ALGORITHM, 4)));
    }

    @Test
    void shouldCopyNoMoreThanTheDestinationHolds() {
        int attr = attribute(StunAttributeType.DATA, 10);
        byte[] dst = new byte[4];
        assertEquals(10, StunAttributes.copyValue(message, attr, dst));
        assertEquals((byte) 0xFF, dst[3]);
    }

    @Test
    void shouldCompareStringsWithoutAllocating() {
        int attr = attribute(StunAttributeType.USERNAME, 2);
        assertTrue(StunAttributes.stringEquals(message, attr, new byte[] {-1, -1}));
        assertFalse(StunAttributes.stringEquals(message, attr, new byte[] {-1, 0}));
        assertFalse(StunAttributes.stringEquals(message, attr, new byte[] {-1}));
    }

    @Test
    void shouldRequireAnEvenUnknownAttributesLength() {
        assertFalse(StunAttributes.hasValidLength(message, attribute(StunAttributeType.UNKNOWN_ATTRIBUTES, 3)));
        assertTrue(StunAttributes.hasValidLength(message, attribute(StunAttributeType.UNKNOWN_ATTRIBUTES, 4)));
    }

    @Test
    void shouldReadAnAbsentAttributeWithoutThrowing() {
        attribute(StunAttributeType.SOFTWARE, 3);
        int absent = message.findAttribute(StunAttributeType.LIFETIME);
        assertEquals(-1, absent);
        assertEquals(-1, StunAttributes.type(message, absent));
        assertEquals(-1, StunAttributes.valueLength(message, absent));
        assertFalse(StunAttributes.hasValidLength(message, absent));
        assertEquals(-1, StunAttributes.uint32(message, absent));
        assertEquals(0, StunAttributes.uint64(message, absent));
        assertEquals(-1, StunAttributes.channelNumber(message, absent));
        assertNull(StunAttributes.string(message, absent));
        assertFalse(StunAttributes.stringEquals(message, absent, new byte[0]));
        assertEquals(-1, StunAttributes.copyValue(message, absent, new byte[4]));
        assertEquals(-1, StunAttributes.errorCode(message, absent));
        assertEquals("", StunAttributes.errorReason(message, absent));
        assertFalse(StunAttributes.passwordAlgorithmsEqual(message, absent));
        assertFalse(StunAttributes.passwordAlgorithmsContains(message, absent, 1));
        assertEquals(-1, StunAttributes.uint16(message, absent, 0));
        assertFalse(new AddressAttribute().wrap(message, absent).isValid());
    }
}
