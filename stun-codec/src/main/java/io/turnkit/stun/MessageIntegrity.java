package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 of the message up to the attribute, the header
 * length counting up to the end of the attribute (later attributes excluded).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type = 0x0008         |          Length = 20          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     HMAC-SHA1 (20 bytes)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class MessageIntegrity {
    /** RFC 8489 §14.5: 20 bytes. */
    public static final int VALUE_LENGTH = 20;

    private MessageIntegrity() {
    }

    /**
     * Whether a validated message carries a MESSAGE-INTEGRITY made with {@code key}. False when
     * the message has none, was not validated, or the key is empty. Constant-time comparison;
     * the caller's buffer is not modified; nothing is allocated.
     */
    public static boolean check(StunMessage m, byte[] key) {
        return check(m, key, StunAttributeType.MESSAGE_INTEGRITY);
    }

    /** Shared by both integrity attributes: RFC 8489 §14.5 and §14.6 differ only in the hash. */
    static boolean check(StunMessage m, byte[] key, int type) {
        int attr = m.findAttribute(type);
        if (attr < 0 || key.length == 0) {
            return false;
        }
        int macLength = StunAttributes.valueLength(m, attr);
        DigestScratch scratch = DigestScratch.current();
        compute(scratch.hmac(type), key, m.buffer(), m.offset(), attr, macLength, scratch);
        // Constant-time: every byte is compared whatever the earlier ones were.
        ByteBuf b = m.buffer();
        int value = StunAttributes.valueOffset(attr);
        int difference = 0;
        for (int i = 0; i < macLength; i++) {
            difference |= b.getByte(value + i) ^ scratch.mac[i];
        }
        return difference == 0;
    }

    /**
     * HMAC of {@code b[messageOffset, attr)} into {@code scratch.mac}, with the header length
     * seen as ending after an integrity attribute at {@code attr} holding {@code macLength} bytes.
     */
    static void compute(Hmac hmac, byte[] key, ByteBuf b, int messageOffset, int attr, int macLength,
                        DigestScratch scratch) {
        int lengthThroughAttribute = attr + StunAttributes.HEADER_LENGTH + macLength
            - messageOffset - StunMessage.HEADER_LENGTH;
        hmac.start(key);
        scratch.feed(hmac, b, messageOffset, attr - messageOffset, lengthThroughAttribute);
        hmac.finish(scratch.mac);
    }
}
