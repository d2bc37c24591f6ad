package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Coverage-guided fuzzing of the datagram path: validate, walk, read and authenticate whatever
 * arrives. In a plain {@code mvn test} it replays the seeds under
 * {@code src/test/resources/io/turnkit/stun/StunMessageFuzzTestInputs/}; see the module README to
 * fuzz for longer.
 */
class StunMessageFuzzTest {
    private static final byte[] KEY = {'k', 'e', 'y'};

    private final StunMessage message = new StunMessage();
    private final AttributeIterator iterator = new AttributeIterator();
    private final AddressAttribute address = new AddressAttribute();

    @FuzzTest(maxDuration = "30s")
    void shouldValidateAndReadAnyDatagram(byte[] input) {
        ByteBuf b = Unpooled.directBuffer(Math.max(1, input.length)).writeBytes(input);
        try {
            StunValidation result = message.wrap(b, 0, input.length).validate();
            if (!result.isWellFormed()) {
                assertEquals(-1, message.findAttribute(StunAttributeType.USERNAME));
                return;
            }
            assertEquals(input.length, StunMessage.HEADER_LENGTH + message.messageLength());
            int end = message.offset() + message.length();
            for (iterator.reset(message); iterator.next(); ) {
                int attr = iterator.attributeOffset();
                assertTrue(iterator.valueOffset() + iterator.valueLength() <= end, "attribute beyond the message");
                readEverything(attr);
            }
            int fingerprint = message.findAttribute(StunAttributeType.FINGERPRINT);
            if (fingerprint >= 0) {
                assertEquals(b.getUnsignedInt(fingerprint + 4), Fingerprint.compute(b, 0, fingerprint));
            }
            MessageIntegrity.check(message, KEY);
            MessageIntegritySha256.check(message, KEY);
        } finally {
            b.release();
        }
    }

    private void readEverything(int attr) {
        StunAttributes.hasValidLength(message, attr);
        StunAttributes.uint32(message, attr);
        StunAttributes.uint64(message, attr);
        StunAttributes.string(message, attr);
        StunAttributes.errorCode(message, attr);
        StunAttributes.errorReason(message, attr);
        StunAttributes.evenPortReserve(message, attr);
        StunAttributes.passwordAlgorithm(message, attr);
        StunAttributes.passwordAlgorithmsContains(message, attr, PasswordAlgorithm.MD5);
        StunAttributes.passwordAlgorithmsEqual(message, attr, PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5);
        for (int i = 0; i < StunAttributes.uint16Count(message, attr); i++) {
            StunAttributes.uint16(message, attr, i);
        }
        StunAttributes.icmpErrorData(message, attr);
        address.wrap(message, attr);
        if (address.isValid()) {
            assertTrue(address.toSocketAddress() != null);
        }
    }
}
