package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** One test per {@link StunValidation} outcome and per RFC 8489 §14.5–§14.7 ordering rule. */
class StunMessageValidationTest {
    private static final byte[] TRANSACTION_ID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    private static final byte[] KEY = {'k', 'e', 'y'};
    private static final int BINDING_REQUEST = StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST);
    private static final int UNKNOWN_REQUIRED = 0x7F01;
    private static final int UNKNOWN_OPTIONAL = 0xFF01;

    private final EnumCounters<StunValidation> counters = new EnumCounters<>(StunValidation.class);
    private final StunMessage message = new StunMessage(counters);
    private final ByteBuf out = Unpooled.buffer();
    private final StunMessageEncoder encoder = new StunMessageEncoder().wrap(out).header(BINDING_REQUEST, TRANSACTION_ID);

    private StunValidation validate() {
        encoder.finish();
        return message.wrap(out, 0, out.writerIndex()).validate();
    }

    private StunValidation validate(ByteBuf b) {
        return message.wrap(b, 0, b.writerIndex()).validate();
    }

    @Test
    void shouldAcceptHeaderOnlyMessage() {
        assertEquals(StunValidation.VALID, validate());
        assertEquals(StunMessage.HEADER_LENGTH, message.length());
    }

    @Test
    void shouldRejectFewerThanTwentyBytes() {
        assertEquals(StunValidation.TOO_SHORT, validate(Unpooled.buffer().writeZero(19)));
    }

    @Test
    void shouldRejectLeadingBitsSet() {
        validate();
        out.setByte(0, 0x40);
        assertEquals(StunValidation.NOT_STUN, validate(out));
    }

    @Test
    void shouldRejectWrongMagicCookie() {
        validate();
        out.setInt(StunMessage.MAGIC_COOKIE_OFFSET, 0x2112A443);
        assertEquals(StunValidation.BAD_MAGIC_COOKIE, validate(out));
    }

    @Test
    void shouldRejectLengthNotMultipleOfFour() {
        encoder.addUint32(StunAttributeType.LIFETIME, 600).finish();
        out.setShort(StunMessage.LENGTH_OFFSET, 7);
        assertEquals(StunValidation.BAD_LENGTH, message.wrap(out, 0, StunMessage.HEADER_LENGTH + 7).validate());
    }

    @Test
    void shouldRejectLengthLongerThanDatagram() {
        encoder.addUint32(StunAttributeType.LIFETIME, 600).finish();
        assertEquals(StunValidation.BAD_LENGTH, message.wrap(out, 0, out.writerIndex() - 4).validate());
    }

    @Test
    void shouldRejectTrailingBytesAfterMessage() {
        encoder.finish();
        out.writeInt(0);
        assertEquals(StunValidation.BAD_LENGTH, validate(out));
    }

    @Test
    void shouldRejectAttributeOverrunningMessage() {
        encoder.addUint32(StunAttributeType.LIFETIME, 600).finish();
        out.setShort(StunMessage.HEADER_LENGTH + StunAttributes.LENGTH_OFFSET, 5);
        assertEquals(StunValidation.ATTRIBUTE_OVERRUN, validate(out));
    }

    @Test
    void shouldRejectAttributeHeaderCutShort() {
        encoder.finish();
        out.writeShort(StunAttributeType.DONT_FRAGMENT);
        out.writeShort(0);
        out.setShort(StunMessage.LENGTH_OFFSET, 4);
        assertEquals(StunValidation.VALID, validate(out));
        // A 4-byte message body whose attribute claims a value: the value is missing.
        out.setShort(StunMessage.HEADER_LENGTH + StunAttributes.LENGTH_OFFSET, 1);
        assertEquals(StunValidation.ATTRIBUTE_OVERRUN, validate(out));
    }

    @Test
    void shouldRejectDuplicateMessageIntegrity() {
        encoder.addMessageIntegrity(KEY).addMessageIntegrity(KEY);
        assertEquals(StunValidation.DUPLICATE_INTEGRITY, validate());
    }

    @Test
    void shouldRejectDuplicateMessageIntegritySha256() {
        encoder.addMessageIntegritySha256(KEY).addMessageIntegritySha256(KEY);
        assertEquals(StunValidation.DUPLICATE_INTEGRITY, validate());
    }

    @Test
    void shouldRejectDuplicateFingerprint() {
        encoder.addFingerprint().addFingerprint();
        assertEquals(StunValidation.DUPLICATE_INTEGRITY, validate());
    }

    @Test
    void shouldRejectAttributeAfterFingerprint() {
        encoder.addFingerprint().addString(StunAttributeType.SOFTWARE, "late");
        assertEquals(StunValidation.MISPLACED_FINGERPRINT, validate());
    }

    @Test
    void shouldRejectWrongFingerprint() {
        encoder.addString(StunAttributeType.SOFTWARE, "turnkit").addFingerprint().finish();
        out.setByte(out.writerIndex() - 1, out.getByte(out.writerIndex() - 1) ^ 1);
        assertEquals(StunValidation.BAD_FINGERPRINT, validate(out));
    }

    @Test
    void shouldRejectIntegrityOfWrongSize() {
        encoder.addBytes(StunAttributeType.MESSAGE_INTEGRITY, new byte[16]);
        assertEquals(StunValidation.BAD_ATTRIBUTE_LENGTH, validate());
    }

    @Test
    void shouldRejectSha256IntegrityNotMultipleOfFour() {
        encoder.addBytes(StunAttributeType.MESSAGE_INTEGRITY_SHA256, new byte[18]);
        assertEquals(StunValidation.BAD_ATTRIBUTE_LENGTH, validate());
    }

    @Test
    void shouldRejectSha256IntegrityShorterThanSixteen() {
        encoder.addBytes(StunAttributeType.MESSAGE_INTEGRITY_SHA256, new byte[12]);
        assertEquals(StunValidation.BAD_ATTRIBUTE_LENGTH, validate());
    }

    @Test
    void shouldRejectFingerprintOfWrongSize() {
        encoder.addBytes(StunAttributeType.FINGERPRINT, new byte[8]);
        assertEquals(StunValidation.BAD_ATTRIBUTE_LENGTH, validate());
    }

    @Test
    void shouldCollectUnknownComprehensionRequiredAttributes() {
        encoder.addBytes(UNKNOWN_REQUIRED, new byte[3]).addBytes(0x7F02, new byte[0]).addBytes(UNKNOWN_REQUIRED, new byte[1]);
        assertEquals(StunValidation.UNKNOWN_COMPREHENSION_REQUIRED, validate());
        assertEquals(2, message.unknownAttributeCount());
        assertEquals(UNKNOWN_REQUIRED, message.unknownAttribute(0));
        assertEquals(0x7F02, message.unknownAttribute(1));
        assertTrue(message.isWellFormed());
    }

    @Test
    void shouldKeepAtMostSixteenUnknownAttributes() {
        for (int i = 0; i < 40; i++) {
            encoder.addEmpty(0x7000 + i);
        }
        assertEquals(StunValidation.UNKNOWN_COMPREHENSION_REQUIRED, validate());
        assertEquals(StunMessage.MAX_UNKNOWN_ATTRIBUTES, message.unknownAttributeCount());
    }

    @Test
    void shouldIgnoreUnknownComprehensionOptionalAttributes() {
        encoder.addBytes(UNKNOWN_OPTIONAL, new byte[5]);
        assertEquals(StunValidation.VALID, validate());
        assertEquals(0, message.unknownAttributeCount());
    }

    @Test
    void shouldReportBadFingerprintBeforeUnknownAttributes() {
        encoder.addEmpty(UNKNOWN_REQUIRED).addFingerprint().finish();
        out.setByte(out.writerIndex() - 1, out.getByte(out.writerIndex() - 1) ^ 1);
        assertEquals(StunValidation.BAD_FINGERPRINT, validate(out));
        assertEquals(0, message.unknownAttributeCount());
    }

    @Test
    void shouldIgnoreUnknownAttributesAfterMessageIntegrity() {
        encoder.addMessageIntegrity(KEY).addEmpty(UNKNOWN_REQUIRED);
        assertEquals(StunValidation.VALID, validate());
    }

    @Test
    void shouldHideAttributesAfterMessageIntegrity() {
        encoder.addMessageIntegrity(KEY).addUint32(StunAttributeType.LIFETIME, 0);
        assertEquals(StunValidation.VALID, validate());
        assertEquals(-1, message.findAttribute(StunAttributeType.LIFETIME));
        assertTrue(MessageIntegrity.check(message, KEY));
    }

    @Test
    void shouldSeeSha256IntegrityAndFingerprintAfterMessageIntegrity() {
        encoder.addMessageIntegrity(KEY).addMessageIntegritySha256(KEY).addFingerprint();
        assertEquals(StunValidation.VALID, validate());
        assertTrue(MessageIntegrity.check(message, KEY));
        assertTrue(MessageIntegritySha256.check(message, KEY));
        assertTrue(message.findAttribute(StunAttributeType.FINGERPRINT) > 0);
    }

    @Test
    void shouldIgnoreMessageIntegrityAfterSha256Integrity() {
        encoder.addMessageIntegritySha256(KEY).addMessageIntegrity(KEY).addFingerprint();
        assertEquals(StunValidation.VALID, validate());
        assertEquals(-1, message.findAttribute(StunAttributeType.MESSAGE_INTEGRITY));
        assertFalse(MessageIntegrity.check(message, KEY));
        assertTrue(MessageIntegritySha256.check(message, KEY));
    }

    @Test
    void shouldIterateOnlyConsideredAttributes() {
        encoder.addString(StunAttributeType.USERNAME, "u")
            .addMessageIntegrity(KEY)
            .addString(StunAttributeType.SOFTWARE, "ignored")
            .addMessageIntegritySha256(KEY)
            .addEmpty(StunAttributeType.DONT_FRAGMENT)
            .addFingerprint();
        assertEquals(StunValidation.VALID, validate());
        AttributeIterator it = new AttributeIterator().reset(message);
        int[] expected = {StunAttributeType.USERNAME, StunAttributeType.MESSAGE_INTEGRITY,
            StunAttributeType.MESSAGE_INTEGRITY_SHA256, StunAttributeType.FINGERPRINT};
        for (int type : expected) {
            assertTrue(it.next());
            assertEquals(type, it.type());
        }
        assertFalse(it.next());
        assertEquals(-1, it.attributeOffset());
    }

    @Test
    void shouldFindNothingInMalformedMessage() {
        encoder.addString(StunAttributeType.USERNAME, "u").addFingerprint().addFingerprint();
        assertEquals(StunValidation.DUPLICATE_INTEGRITY, validate());
        assertEquals(-1, message.findAttribute(StunAttributeType.USERNAME));
        assertFalse(new AttributeIterator().reset(message).next());
        assertFalse(MessageIntegrity.check(message, KEY));
    }

    @Test
    void shouldCountEveryResult() {
        validate();
        validate(Unpooled.buffer().writeZero(3));
        validate(Unpooled.buffer().writeZero(4));
        assertEquals(1, counters.get(StunValidation.VALID));
        assertEquals(2, counters.get(StunValidation.TOO_SHORT));
        assertEquals(3, counters.total());
        assertEquals(counters, message.counters());
    }

    @Test
    void shouldReadMessageAtNonZeroOffset() {
        ByteBuf b = Unpooled.buffer().writeZero(7);
        new StunMessageEncoder().wrap(b).header(BINDING_REQUEST, TRANSACTION_ID)
            .addUint32(StunAttributeType.LIFETIME, 77).addFingerprint().finish();
        assertEquals(StunValidation.VALID, message.wrap(b, 7, b.writerIndex() - 7).validate());
        assertEquals(77, StunAttributes.uint32(message, message.findAttribute(StunAttributeType.LIFETIME)));
    }

    @Test
    void shouldNotMoveReaderOrWriterIndex() {
        encoder.addString(StunAttributeType.USERNAME, "u").addMessageIntegrity(KEY).addFingerprint().finish();
        out.readerIndex(2);
        int writerIndex = out.writerIndex();
        message.wrap(out, 0, writerIndex).validate();
        MessageIntegrity.check(message, KEY);
        new AttributeIterator().reset(message).next();
        assertEquals(2, out.readerIndex());
        assertEquals(writerIndex, out.writerIndex());
    }

    @Test
    void shouldRejectLengthBeyondBufferCapacity() {
        encoder.finish();
        assertEquals(StunValidation.BAD_LENGTH, message.wrap(out, 0, out.capacity() + 100).validate());
    }
}
