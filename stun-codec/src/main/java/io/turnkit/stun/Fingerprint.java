package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * FINGERPRINT (RFC 8489 §14.7): the CRC-32 of the message up to (excluding) the FINGERPRINT
 * attribute, XOR-ed with 0x5354554E, with the header length already counting the FINGERPRINT
 * attribute (an encoder writes the final length before computing it, so nothing is adjusted here).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type = 0x8028         |          Length = 4           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 CRC-32(message) XOR 0x5354554E                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Fingerprint {
    /** RFC 8489 §14.7: "STUN" in ASCII, so that a CRC over a non-STUN payload rarely matches. */
    public static final long XOR_VALUE = 0x5354554EL;
    /** The value length: 32 bits. */
    public static final int VALUE_LENGTH = 4;

    private Fingerprint() {
    }

    /** The FINGERPRINT value (unsigned 32 bits) of {@code b[offset, offset + length)}. */
    public static long compute(ByteBuf b, int offset, int length) {
        return DigestScratch.current().crc32(b, offset, length) ^ XOR_VALUE;
    }

    /** Whether a validated message's FINGERPRINT (if any) is right; {@code true} when it has none. */
    static boolean matches(ByteBuf b, int messageOffset, int fingerprintOffset) {
        long expected = compute(b, messageOffset, fingerprintOffset - messageOffset);
        return b.getUnsignedInt(fingerprintOffset + StunAttributes.VALUE_OFFSET) == expected;
    }
}
