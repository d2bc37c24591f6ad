package io.turnkit.stun;

/**
 * The result of {@link StunMessage#validate()}: one code per way a datagram can fail to be a STUN
 * message (RFC 8489 §6.3 and §14). Counted per thread in {@link EnumCounters}.
 */
public enum StunValidation {
    /** A well-formed message; FINGERPRINT, when present, matched. */
    VALID,
    /** Fewer than 20 bytes: no room for the header. */
    TOO_SHORT,
    /** RFC 8489 §6: the two most significant bits are not zero. */
    NOT_STUN,
    /** RFC 8489 §6: the magic cookie is not 0x2112A442 (an RFC 3489 client, or not STUN). */
    BAD_MAGIC_COOKIE,
    /** The message length is not a multiple of 4, or does not match the bytes received. */
    BAD_LENGTH,
    /** An attribute (header, value or padding) runs past the end of the message. */
    ATTRIBUTE_OVERRUN,
    /** MESSAGE-INTEGRITY (20 bytes), MESSAGE-INTEGRITY-SHA256 (16–32, multiple of 4) or FINGERPRINT (4) has the wrong size. */
    BAD_ATTRIBUTE_LENGTH,
    /** MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or FINGERPRINT appears twice. */
    DUPLICATE_INTEGRITY,
    /** RFC 8489 §14.7: an attribute follows FINGERPRINT. */
    MISPLACED_FINGERPRINT,
    /** RFC 8489 §14.7: the FINGERPRINT value does not match the CRC-32 of the message. */
    BAD_FINGERPRINT,
    /**
     * The message is well-formed but holds comprehension-required attributes this codec does not
     * know (RFC 8489 §6.3.1: a request gets a 420 listing them, see
     * {@link StunMessage#unknownAttribute(int)}).
     */
    UNKNOWN_COMPREHENSION_REQUIRED;

    /** Whether the message can be read and answered: VALID or UNKNOWN_COMPREHENSION_REQUIRED. */
    public boolean isWellFormed() {
        return this == VALID || this == UNKNOWN_COMPREHENSION_REQUIRED;
    }
}
