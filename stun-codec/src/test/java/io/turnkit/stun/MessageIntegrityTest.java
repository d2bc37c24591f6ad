package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/** MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT over every kind of buffer. */
class MessageIntegrityTest {
    private static final byte[] TRANSACTION_ID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    private static final int ALLOCATE_REQUEST = StunMessageType.of(StunMethod.ALLOCATE, StunClass.REQUEST);
    private static final byte[] KEY = LongTermKey.md5("alice", "turnkit.io", "secret");

    private final StunMessage message = new StunMessage();

    private static ByteBuf authenticatedAllocate(ByteBuf out) {
        new StunMessageEncoder().wrap(out).header(ALLOCATE_REQUEST, TRANSACTION_ID)
            .addRequestedTransport(StunAttributes.TRANSPORT_UDP)
            .addString(StunAttributeType.USERNAME, "alice")
            .addString(StunAttributeType.REALM, "turnkit.io")
            .addString(StunAttributeType.NONCE, "nonce-123")
            .addMessageIntegrity(KEY)
            .addMessageIntegritySha256(KEY)
            .addFingerprint()
            .finish();
        return out;
    }

    @Test
    void shouldComputeTheSameHmacAsTheJdk() throws GeneralSecurityException {
        Random random = new Random(8489);
        for (int keyLength : new int[] {1, 16, 20, 32, 63, 64, 65, 200}) {
            for (String algorithm : new String[] {"HmacSHA1", "HmacSHA256"}) {
                byte[] key = new byte[keyLength];
                byte[] text = new byte[random.nextInt(3000)];
                random.nextBytes(key);
                random.nextBytes(text);
                Mac jdk = Mac.getInstance(algorithm);
                jdk.init(new SecretKeySpec(key, algorithm));
                Hmac hmac = new Hmac(algorithm.equals("HmacSHA1") ? "SHA-1" : "SHA-256");
                hmac.start(key);
                hmac.update(text, 0, text.length);
                byte[] mac = new byte[hmac.macLength()];
                hmac.finish(mac);
                assertArrayEquals(jdk.doFinal(text), mac, algorithm + " key " + keyLength);
            }
        }
    }

    @Test
    void shouldVerifyBothIntegrityAttributesInAHeapBuffer() {
        ByteBuf b = authenticatedAllocate(Unpooled.buffer());
        assertEquals(StunValidation.VALID, message.wrap(b, 0, b.writerIndex()).validate());
        assertTrue(MessageIntegrity.check(message, KEY));
        assertTrue(MessageIntegritySha256.check(message, KEY));
    }

    @Test
    void shouldVerifyBothIntegrityAttributesInADirectBuffer() {
        ByteBuf b = authenticatedAllocate(Unpooled.directBuffer());
        message.wrap(b, 0, b.writerIndex()).validate();
        assertTrue(MessageIntegrity.check(message, KEY));
        assertTrue(MessageIntegritySha256.check(message, KEY));
        b.release();
    }

    @Test
    void shouldVerifyAMessageSplitAcrossCompositeComponents() {
        byte[] bytes = ByteBufUtil.getBytes(authenticatedAllocate(Unpooled.buffer()));
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.wrappedBuffer(bytes, 0, 13));
        composite.addComponent(true, Unpooled.wrappedBuffer(bytes, 13, bytes.length - 13));
        assertEquals(StunValidation.VALID, message.wrap(composite, 0, bytes.length).validate());
        assertTrue(MessageIntegrity.check(message, KEY));
        assertTrue(MessageIntegritySha256.check(message, KEY));
    }

    @Test
    void shouldVerifyAMessageLongerThanTheScratchChunk() {
        ByteBuf b = Unpooled.buffer();
        new StunMessageEncoder().wrap(b).header(ALLOCATE_REQUEST, TRANSACTION_ID)
            .addBytes(StunAttributeType.DATA, new byte[5000])
            .addMessageIntegrity(KEY).addFingerprint().finish();
        assertEquals(StunValidation.VALID, message.wrap(b, 0, b.writerIndex()).validate());
        assertTrue(MessageIntegrity.check(message, KEY));
    }

    @Test
    void shouldLeaveTheBufferUnchanged() {
        ByteBuf b = authenticatedAllocate(Unpooled.buffer());
        byte[] before = ByteBufUtil.getBytes(b);
        message.wrap(b, 0, b.writerIndex()).validate();
        MessageIntegrity.check(message, KEY);
        MessageIntegritySha256.check(message, KEY);
        assertArrayEquals(before, ByteBufUtil.getBytes(b));
        assertEquals(0, b.readerIndex());
    }

    @Test
    void shouldRejectAnEmptyKey() {
        ByteBuf b = authenticatedAllocate(Unpooled.buffer());
        message.wrap(b, 0, b.writerIndex()).validate();
        assertFalse(MessageIntegrity.check(message, new byte[0]));
    }

    @Test
    void shouldRejectAMessageWithoutIntegrity() {
        ByteBuf b = Unpooled.buffer();
        new StunMessageEncoder().wrap(b).header(ALLOCATE_REQUEST, TRANSACTION_ID).finish();
        message.wrap(b, 0, b.writerIndex()).validate();
        assertFalse(MessageIntegrity.check(message, KEY));
        assertFalse(MessageIntegritySha256.check(message, KEY));
    }

    @Test
    void shouldRejectATamperedAttributeBeforeTheIntegrity() {
        ByteBuf b = authenticatedAllocate(Unpooled.buffer());
        message.wrap(b, 0, b.writerIndex()).validate();
        int nonce = message.findAttribute(StunAttributeType.NONCE);
        b.setByte(nonce + 4, 'N');
        assertFalse(MessageIntegrity.check(message, KEY));
        assertFalse(MessageIntegritySha256.check(message, KEY));
    }

    /** RFC 8489 §14.6: a sender may truncate the HMAC-SHA256, its length field counting the shorter value. */
    @ParameterizedTest
    @ValueSource(ints = {16, 20, 24, 28, 32})
    void shouldAcceptTruncatedSha256Integrity(int length) throws GeneralSecurityException {
        ByteBuf b = Unpooled.buffer();
        new StunMessageEncoder().wrap(b).header(ALLOCATE_REQUEST, TRANSACTION_ID)
            .addString(StunAttributeType.USERNAME, "alice").finish();
        b.setShort(StunMessage.LENGTH_OFFSET, b.writerIndex() - StunMessage.HEADER_LENGTH + 4 + length);
        Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] mac = jdk.doFinal(ByteBufUtil.getBytes(b));
        b.writeShort(StunAttributeType.MESSAGE_INTEGRITY_SHA256).writeShort(length).writeBytes(mac, 0, length);
        assertEquals(StunValidation.VALID, message.wrap(b, 0, b.writerIndex()).validate());
        assertTrue(MessageIntegritySha256.check(message, KEY));
        b.setByte(b.writerIndex() - 1, b.getByte(b.writerIndex() - 1) ^ 0x80);
        assertFalse(MessageIntegritySha256.check(message, KEY));
    }

    @Test
    void shouldComputeTheFingerprintAsCrc32XorStun() {
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        // CRC-32 check value of "123456789" is 0xCBF43926 (ISO-HDLC).
        assertEquals(0xCBF43926L ^ 0x5354554EL, Fingerprint.compute(Unpooled.wrappedBuffer(data), 0, data.length));
    }

    @Test
    void shouldRefuseToEncodeWithAnEmptyKey() {
        StunMessageEncoder encoder = new StunMessageEncoder().wrap(Unpooled.buffer()).header(ALLOCATE_REQUEST, TRANSACTION_ID);
        assertThrows(IllegalArgumentException.class, () -> encoder.addMessageIntegrity(new byte[0]));
    }
}
