package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Every test vector, damaged in every way that fits in a loop: truncated at every offset, lengths
 * (header and each attribute) set to every 16-bit value, every bit flipped. Nothing may throw; a
 * damaged message may only be accepted (well-formed and authenticated with the right key) when
 * the damage lies after the integrity attribute, where RFC 8489 §14.5 says bytes are not covered.
 */
class MalformedInputTest {
    private final StunMessage message = new StunMessage();
    private final AttributeIterator iterator = new AttributeIterator();
    private final AddressAttribute address = new AddressAttribute();

    /** Validates and then reads everything readable, as a server would; returns whether it was accepted. */
    private boolean process(ByteBuf b, int length, SampleVector v) {
        message.wrap(b, 0, length);
        boolean accepted = SampleVector.isAccepted(message, v);
        for (iterator.reset(message); iterator.next(); ) {
            int attr = iterator.attributeOffset();
            StunAttributes.hasValidLength(message, attr);
            StunAttributes.uint32(message, attr);
            StunAttributes.errorCode(message, attr);
            StunAttributes.passwordAlgorithmsContains(message, attr, PasswordAlgorithm.SHA256);
            StunAttributes.string(message, attr);
            address.wrap(message, attr).port();
        }
        return accepted;
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldRejectEveryTruncation(SampleVector v) {
        byte[] bytes = v.bytes();
        for (int n = 0; n < bytes.length; n++) {
            ByteBuf b = Unpooled.wrappedBuffer(bytes, 0, n);
            StunValidation expected = n < StunMessage.HEADER_LENGTH ? StunValidation.TOO_SHORT : StunValidation.BAD_LENGTH;
            assertEquals(expected, message.wrap(b, 0, n).validate(), "truncated to " + n);
        }
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldNotAuthenticateTruncationWithConsistentHeader(SampleVector v) {
        int integrityEnd = v.integrityEnd();
        for (int n = StunMessage.HEADER_LENGTH; n < v.bytes().length; n++) {
            ByteBuf b = Unpooled.wrappedBuffer(v.bytes(), 0, n);
            b.setShort(StunMessage.LENGTH_OFFSET, n - StunMessage.HEADER_LENGTH);
            boolean accepted = process(b, n, v);
            assertTrue(!accepted || n >= integrityEnd, "truncated to " + n + " was accepted");
        }
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldRejectEveryLyingHeaderLength(SampleVector v) {
        ByteBuf b = v.buffer();
        int truth = b.getUnsignedShort(StunMessage.LENGTH_OFFSET);
        for (int lie = 0; lie <= 0xFFFF; lie++) {
            if (lie != truth) {
                b.setShort(StunMessage.LENGTH_OFFSET, lie);
                assertEquals(StunValidation.BAD_LENGTH, message.wrap(b, 0, b.writerIndex()).validate(), "length " + lie);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldNotAcceptAnyLyingAttributeLength(SampleVector v) {
        StunMessage original = new StunMessage().wrap(v.buffer(), 0, v.bytes().length);
        original.validate();
        for (AttributeIterator it = new AttributeIterator().reset(original); it.next(); ) {
            ByteBuf b = v.buffer();
            int lengthIndex = it.attributeOffset() + StunAttributes.LENGTH_OFFSET;
            int truth = it.valueLength();
            for (int lie = 0; lie <= 0xFFFF; lie++) {
                if (lie != truth) {
                    b.setShort(lengthIndex, lie);
                    boolean accepted = process(b, b.writerIndex(), v);
                    assertFalse(accepted && it.attributeOffset() < v.integrityEnd(),
                        StunAttributeType.name(it.type()) + " length " + lie + " was accepted");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldNotAcceptAnyBitFlipBeforeTheIntegrityEnd(SampleVector v) {
        byte[] bytes = v.bytes();
        int integrityEnd = v.integrityEnd();
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuf b = v.buffer();
                b.setByte(i, bytes[i] ^ (1 << bit));
                boolean accepted = process(b, bytes.length, v);
                assertTrue(!accepted || i >= integrityEnd, "flip of byte " + i + " bit " + bit + " was accepted");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = SampleVector.class, names = {"REQUEST", "IPV4_RESPONSE", "IPV6_RESPONSE"})
    void shouldFailOrLoseFingerprintOnEveryBitFlip(SampleVector v) {
        // A flipped attribute length can swallow the FINGERPRINT into the attribute before it; the
        // message then has none, which a usage that requires FINGERPRINT (RFC 8489 §7) rejects.
        byte[] bytes = v.bytes();
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuf b = v.buffer();
                b.setByte(i, bytes[i] ^ (1 << bit));
                boolean valid = message.wrap(b, 0, bytes.length).validate() == StunValidation.VALID;
                assertFalse(valid && message.hasAttribute(StunAttributeType.FINGERPRINT),
                    "flip of byte " + i + " bit " + bit);
            }
        }
    }
}
