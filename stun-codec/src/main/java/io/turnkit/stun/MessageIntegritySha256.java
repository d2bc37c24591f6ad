package io.turnkit.stun;

/**
 * MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): HMAC-SHA256 of the message up to the attribute, the
 * header length counting up to the end of the attribute. The value may be truncated to its first
 * 16 to 32 bytes in steps of 4; {@link StunMessage#validate()} rejects other lengths and
 * {@link #check} compares the bytes present.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type = 0x001C         |        Length = 16..32        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              HMAC-SHA256 (first Length bytes)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class MessageIntegritySha256 {
    /** RFC 8489 §14.6: the full HMAC-SHA256 value, as this codec sends it. */
    public static final int VALUE_LENGTH = 32;
    /** RFC 8489 §14.6: the shortest truncation accepted. */
    public static final int MIN_VALUE_LENGTH = 16;

    private MessageIntegritySha256() {
    }

    /** Whether {@code length} is a value length RFC 8489 §14.6 allows: 16..32, a multiple of 4. */
    public static boolean isValidLength(int length) {
        return length >= MIN_VALUE_LENGTH && length <= VALUE_LENGTH && (length & 3) == 0;
    }

    /**
     * Whether a validated message carries a MESSAGE-INTEGRITY-SHA256 made with {@code key}. False
     * when it has none, was not validated, or the key is empty. Constant-time; allocation-free.
     */
    public static boolean check(StunMessage m, byte[] key) {
        return MessageIntegrity.check(m, key, StunAttributeType.MESSAGE_INTEGRITY_SHA256);
    }
}
