package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** RFC 5769 §2.1–§2.4 and RFC 8489 B.1: decode, validate, authenticate, read, re-encode. */
class TestVectorsTest {
    private final StunMessage message = new StunMessage();

    private StunMessage decode(SampleVector v) {
        ByteBuf b = v.buffer();
        message.wrap(b, 0, b.readableBytes());
        assertEquals(StunValidation.VALID, message.validate(), v.name());
        return message;
    }

    private static boolean checkIntegrity(StunMessage m, SampleVector v, byte[] key) {
        return v.integrityType == StunAttributeType.MESSAGE_INTEGRITY
            ? MessageIntegrity.check(m, key) : MessageIntegritySha256.check(m, key);
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldValidate(SampleVector v) {
        StunMessage m = decode(v);
        assertEquals(v.bytes().length, m.length());
        assertEquals(StunMethod.BINDING, m.method());
        assertEquals(v.messageType(), m.messageType());
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldVerifyIntegrityWithTheVectorKey(SampleVector v) {
        assertTrue(checkIntegrity(decode(v), v, v.key()));
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldRejectIntegrityWithAnotherKey(SampleVector v) {
        byte[] key = v.key();
        key[0] ^= 1;
        assertFalse(checkIntegrity(decode(v), v, key));
    }

    @ParameterizedTest
    @EnumSource(value = SampleVector.class, names = {"REQUEST", "IPV4_RESPONSE", "IPV6_RESPONSE"})
    void shouldMatchTheVectorFingerprint(SampleVector v) {
        StunMessage m = decode(v);
        int attr = m.findAttribute(StunAttributeType.FINGERPRINT);
        assertEquals(v.bytes().length - 8, attr);
        assertEquals(m.buffer().getUnsignedInt(attr + 4), Fingerprint.compute(m.buffer(), 0, attr));
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldReadTheTransactionId(SampleVector v) {
        StunMessage m = decode(v);
        byte[] id = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        m.copyTransactionId(id);
        assertArrayEquals(v.transactionId(), id);
        ByteBuf halves = Unpooled.buffer().writeLong(m.transactionIdHigh()).writeInt(m.transactionIdLow());
        assertArrayEquals(v.transactionId(), ByteBufUtil.getBytes(halves));
    }

    @ParameterizedTest
    @EnumSource(SampleVector.class)
    void shouldReencodeToTheSameBytes(SampleVector v) {
        // The encoder pads with zeros unless told otherwise (RFC 8489 §14); RFC 5769's §2.1–§2.3
        // pad with 0x20, which RFC 5389 allowed, so those vectors are encoded with that byte.
        ByteBuf out = Unpooled.directBuffer();
        out.writeBytes(new byte[] {9, 9, 9}); // the message starts at the writer index, not at 0
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(out)
            .paddingByte(v.paddingByte)
            .header(v.messageType(), v.transactionId());
        v.encodeAttributes(encoder);
        int length = encoder.finish();
        assertEquals(v.bytes().length, length);
        assertEquals(3 + length, out.writerIndex());
        assertArrayEquals(v.bytes(), ByteBufUtil.getBytes(out, 3, length));
        out.release();
    }

    @Test
    void shouldReadTheRequestAttributes() {
        StunMessage m = decode(SampleVector.REQUEST);
        assertEquals("STUN test client", StunAttributes.string(m, m.findAttribute(StunAttributeType.SOFTWARE)));
        assertEquals(0x6E0001FFL, StunAttributes.uint32(m, m.findAttribute(StunAttributeType.PRIORITY)));
        assertEquals(0x932FF9B151263B36L, StunAttributes.uint64(m, m.findAttribute(StunAttributeType.ICE_CONTROLLED)));
        int username = m.findAttribute(StunAttributeType.USERNAME);
        assertEquals("evtj:h6vY", StunAttributes.string(m, username));
        assertTrue(StunAttributes.stringEquals(m, username, "evtj:h6vY".getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.isRequest());
    }

    @ParameterizedTest
    @EnumSource(value = SampleVector.class, names = {"IPV4_RESPONSE", "IPV6_RESPONSE"})
    void shouldReadTheXorMappedAddress(SampleVector v) {
        StunMessage m = decode(v);
        AddressAttribute address = new AddressAttribute().wrap(m, m.findAttribute(StunAttributeType.XOR_MAPPED_ADDRESS));
        assertTrue(address.isValid());
        assertEquals(32853, address.port());
        assertEquals(v.mappedAddress(), address.toSocketAddress());
        assertEquals("test vector", StunAttributes.string(m, m.findAttribute(StunAttributeType.SOFTWARE)));
        assertTrue(m.isSuccessResponse());
    }

    @Test
    void shouldReadTheLongTermRequestAttributes() {
        StunMessage m = decode(SampleVector.LONG_TERM_REQUEST);
        assertEquals(SampleVector.USERNAME, StunAttributes.string(m, m.findAttribute(StunAttributeType.USERNAME)));
        assertEquals("f//499k954d6OL34oL9FSTvy64sA", StunAttributes.string(m, m.findAttribute(StunAttributeType.NONCE)));
        assertEquals(SampleVector.REALM, StunAttributes.string(m, m.findAttribute(StunAttributeType.REALM)));
        assertEquals(-1, m.findAttribute(StunAttributeType.FINGERPRINT));
    }

    @Test
    void shouldReadTheSha256RequestAttributes() {
        StunMessage m = decode(SampleVector.SHA256_REQUEST);
        int userhash = m.findAttribute(StunAttributeType.USERHASH);
        assertTrue(StunAttributes.hasValidLength(m, userhash));
        assertTrue(StunAttributes.valueEquals(m, userhash, UserHash.of(SampleVector.USERNAME, SampleVector.REALM)));
        assertEquals(PasswordAlgorithm.SHA256,
            StunAttributes.passwordAlgorithm(m, m.findAttribute(StunAttributeType.PASSWORD_ALGORITHM)));
        assertEquals(-1, m.findAttribute(StunAttributeType.MESSAGE_INTEGRITY));
    }

    @Test
    void shouldNotDeriveTheVectorPasswordWithOpaqueStringBecauseSoftHyphenIsDisallowed() {
        // RFC 5769 §2.4 prepared its password with SASLprep; OpaqueString rejects U+00AD.
        assertThrows(IllegalArgumentException.class,
            () -> LongTermKey.md5(SampleVector.USERNAME, SampleVector.REALM, SampleVector.RAW_LONG_TERM_PASSWORD));
    }
}
