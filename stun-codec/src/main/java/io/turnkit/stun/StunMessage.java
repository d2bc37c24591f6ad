package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * Read-side flyweight over one STUN message in a {@link ByteBuf} (RFC 8489 §5). Reads with
 * absolute indexes only: the buffer's reader and writer indexes never move. Wrap, then
 * {@link #validate()}, then read; one instance is reused for every datagram.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Attributes (Message Length bytes)            |
 * </pre>
 *
 * <p>Attributes that follow MESSAGE-INTEGRITY, except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT,
 * and all but FINGERPRINT after MESSAGE-INTEGRITY-SHA256, are ignored (RFC 8489 §14.5, §14.6):
 * {@link #findAttribute(int)} and {@link AttributeIterator} do not see them.
 *
 * <p>Not thread-safe; one per event loop or handler.
 */
public final class StunMessage extends BufferRegion {
    private static final int SIZE_OF_SHORT = 2;
    private static final int SIZE_OF_INT = 4;

    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = TYPE_OFFSET + SIZE_OF_SHORT;
    public static final int MAGIC_COOKIE_OFFSET = LENGTH_OFFSET + SIZE_OF_SHORT;
    public static final int TRANSACTION_ID_OFFSET = MAGIC_COOKIE_OFFSET + SIZE_OF_INT;
    public static final int TRANSACTION_ID_LENGTH = 12;
    public static final int HEADER_LENGTH = TRANSACTION_ID_OFFSET + TRANSACTION_ID_LENGTH;
    /** RFC 8489 §6: fixed value in every message since RFC 5389. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** The largest message: a 16-bit length after the header. */
    public static final int MAX_LENGTH = HEADER_LENGTH + 0xFFFF;
    /** How many distinct unknown comprehension-required types are kept for the 420 reply. */
    public static final int MAX_UNKNOWN_ATTRIBUTES = 16;

    /** RFC 8489 §6: the two most significant bits of every STUN message are zero. */
    private static final int LEADING_BITS_MASK = 0xC0;

    private final EnumCounters<StunValidation> counters;
    private final int[] unknownAttributes = new int[MAX_UNKNOWN_ATTRIBUTES];

    private boolean wellFormed;
    private int unknownCount;
    private int integrityOffset;
    private int integritySha256Offset;
    private int fingerprintOffset;

    /** A flyweight counting its validation results in its own {@link EnumCounters}. */
    public StunMessage() {
        this(new EnumCounters<>(StunValidation.class));
    }

    /** A flyweight counting its validation results in {@code counters} (one per thread). */
    public StunMessage(EnumCounters<StunValidation> counters) {
        this.counters = counters;
    }

    /**
     * Wraps a message starting at {@code offset}; {@code length} is the number of bytes received:
     * the datagram, or the stream frame {@link StreamFraming} measured. It must be exactly one
     * message: bytes after it make {@link #validate()} return {@link StunValidation#BAD_LENGTH}.
     */
    public StunMessage wrap(ByteBuf buffer, int offset, int length) {
        region(buffer, offset, length);
        wellFormed = false;
        unknownCount = 0;
        integrityOffset = -1;
        integritySha256Offset = -1;
        fingerprintOffset = -1;
        return this;
    }

    /** The counters this flyweight's results go to. */
    public EnumCounters<StunValidation> counters() {
        return counters;
    }

    /**
     * Checks the header and walks every attribute (RFC 8489 §6.3): never throws, counts the result.
     * Checks FINGERPRINT if present, and only when the message is otherwise well-formed, collects
     * the unknown comprehension-required attributes (not those that are ignored after an integrity
     * attribute). Integrity is not checked here: that needs the key, see {@link MessageIntegrity}.
     */
    public StunValidation validate() {
        StunValidation result = check();
        wellFormed = result.isWellFormed();
        if (!wellFormed) {
            unknownCount = 0;
            integrityOffset = -1;
            integritySha256Offset = -1;
            fingerprintOffset = -1;
        }
        counters.increment(result);
        return result;
    }

    private StunValidation check() {
        if (buffer == null || length < HEADER_LENGTH || offset < 0
            || offset > buffer.capacity() - HEADER_LENGTH) {
            return StunValidation.TOO_SHORT;
        }
        if ((buffer.getByte(offset + TYPE_OFFSET) & LEADING_BITS_MASK) != 0) {
            return StunValidation.NOT_STUN;
        }
        if (buffer.getInt(offset + MAGIC_COOKIE_OFFSET) != MAGIC_COOKIE) {
            return StunValidation.BAD_MAGIC_COOKIE;
        }
        int messageLength = messageLength();
        // RFC 8489 §6.3: the length must be a multiple of 4 and agree with what was received.
        if ((messageLength & 3) != 0 || HEADER_LENGTH + messageLength != length
            || offset > buffer.capacity() - length) {
            return StunValidation.BAD_LENGTH;
        }
        return checkAttributes(offset + HEADER_LENGTH, offset + length);
    }

    private StunValidation checkAttributes(int start, int end) {
        int attr = start;
        while (attr < end) {
            if (end - attr < StunAttributes.HEADER_LENGTH) {
                return StunValidation.ATTRIBUTE_OVERRUN;
            }
            int type = buffer.getUnsignedShort(attr + StunAttributes.TYPE_OFFSET);
            int valueLength = buffer.getUnsignedShort(attr + StunAttributes.LENGTH_OFFSET);
            int next = attr + StunAttributes.HEADER_LENGTH + StunAttributes.paddedLength(valueLength);
            if (next > end) {
                return StunValidation.ATTRIBUTE_OVERRUN;
            }
            StunValidation result = checkAttribute(attr, type, valueLength);
            if (result != StunValidation.VALID) {
                return result;
            }
            attr = next;
        }
        if (fingerprintOffset >= 0 && !Fingerprint.matches(buffer, offset, fingerprintOffset)) {
            return StunValidation.BAD_FINGERPRINT;
        }
        return unknownCount > 0 ? StunValidation.UNKNOWN_COMPREHENSION_REQUIRED : StunValidation.VALID;
    }

    private StunValidation checkAttribute(int attr, int type, int valueLength) {
        if (fingerprintOffset >= 0) {
            // RFC 8489 §14.7: FINGERPRINT is the last attribute.
            return type == StunAttributeType.FINGERPRINT
                ? StunValidation.DUPLICATE_INTEGRITY : StunValidation.MISPLACED_FINGERPRINT;
        }
        switch (type) {
            case StunAttributeType.FINGERPRINT:
                fingerprintOffset = attr;
                return valueLength == Fingerprint.VALUE_LENGTH
                    ? StunValidation.VALID : StunValidation.BAD_ATTRIBUTE_LENGTH;
            case StunAttributeType.MESSAGE_INTEGRITY_SHA256:
                if (integritySha256Offset >= 0) {
                    return StunValidation.DUPLICATE_INTEGRITY;
                }
                integritySha256Offset = attr;
                return MessageIntegritySha256.isValidLength(valueLength)
                    ? StunValidation.VALID : StunValidation.BAD_ATTRIBUTE_LENGTH;
            case StunAttributeType.MESSAGE_INTEGRITY:
                if (integrityOffset >= 0) {
                    return StunValidation.DUPLICATE_INTEGRITY;
                }
                if (integritySha256Offset >= 0) {
                    // RFC 8489 §14.6: ignored after MESSAGE-INTEGRITY-SHA256.
                    return StunValidation.VALID;
                }
                integrityOffset = attr;
                return valueLength == MessageIntegrity.VALUE_LENGTH
                    ? StunValidation.VALID : StunValidation.BAD_ATTRIBUTE_LENGTH;
            default:
                if (integrityOffset < 0 && integritySha256Offset < 0
                    && StunAttributeType.isComprehensionRequired(type) && !StunAttributeType.isKnown(type)) {
                    recordUnknown(type);
                }
                return StunValidation.VALID;
        }
    }

    private void recordUnknown(int type) {
        if (unknownCount == MAX_UNKNOWN_ATTRIBUTES) {
            return;
        }
        for (int i = 0; i < unknownCount; i++) {
            if (unknownAttributes[i] == type) {
                return;
            }
        }
        unknownAttributes[unknownCount++] = type;
    }

    /** Whether the last {@link #validate()} found the message readable (VALID or UNKNOWN_COMPREHENSION_REQUIRED). */
    public boolean isWellFormed() {
        return wellFormed;
    }

    /**
     * Whether an attribute at {@code attr} of {@code type} is seen, or ignored because it follows
     * an integrity attribute (RFC 8489 §14.5, §14.6). For well-formed messages only.
     */
    boolean isConsidered(int attr, int type) {
        switch (type) {
            case StunAttributeType.FINGERPRINT:
                return attr == fingerprintOffset;
            case StunAttributeType.MESSAGE_INTEGRITY_SHA256:
                return attr == integritySha256Offset;
            case StunAttributeType.MESSAGE_INTEGRITY:
                return attr == integrityOffset;
            default:
                return !followsIntegrity(attr);
        }
    }

    private boolean followsIntegrity(int attr) {
        return (integrityOffset >= 0 && attr > integrityOffset)
            || (integritySha256Offset >= 0 && attr > integritySha256Offset);
    }

    /** The 14-bit message type (RFC 8489 §5). */
    public int messageType() {
        return buffer.getUnsignedShort(offset + TYPE_OFFSET);
    }

    public int method() {
        return StunMessageType.method(messageType());
    }

    public int messageClass() {
        return StunMessageType.stunClass(messageType());
    }

    /** The header's Message Length: the attribute bytes after the 20-byte header. */
    public int messageLength() {
        return buffer.getUnsignedShort(offset + LENGTH_OFFSET);
    }

    public boolean isRequest() {
        return messageClass() == StunClass.REQUEST;
    }

    public boolean isIndication() {
        return messageClass() == StunClass.INDICATION;
    }

    public boolean isSuccessResponse() {
        return messageClass() == StunClass.SUCCESS_RESPONSE;
    }

    public boolean isErrorResponse() {
        return messageClass() == StunClass.ERROR_RESPONSE;
    }

    /** Transaction id bytes 0..7 (header bytes 8..15), big-endian. */
    public long transactionIdHigh() {
        return buffer.getLong(offset + TRANSACTION_ID_OFFSET);
    }

    /** Transaction id bytes 8..11 (header bytes 16..19), big-endian. */
    public int transactionIdLow() {
        return buffer.getInt(offset + TRANSACTION_ID_OFFSET + Long.BYTES);
    }

    /** Copies the 12-byte transaction id into {@code dst[0..12)}. */
    public void copyTransactionId(byte[] dst) {
        buffer.getBytes(offset + TRANSACTION_ID_OFFSET, dst, 0, TRANSACTION_ID_LENGTH);
    }

    /** Whether this message's transaction id is {@code high}/{@code low} (a response matching a request). */
    public boolean hasTransactionId(long high, int low) {
        return transactionIdHigh() == high && transactionIdLow() == low;
    }

    /**
     * The absolute buffer index of the first attribute of {@code type} (its Type field), or -1
     * when absent, ignored (after an integrity attribute) or the message is not well-formed.
     */
    public int findAttribute(int type) {
        if (!wellFormed) {
            return -1;
        }
        switch (type) {
            case StunAttributeType.MESSAGE_INTEGRITY:
                return integrityOffset;
            case StunAttributeType.MESSAGE_INTEGRITY_SHA256:
                return integritySha256Offset;
            case StunAttributeType.FINGERPRINT:
                return fingerprintOffset;
            default:
                break;
        }
        int end = offset + length;
        for (int attr = offset + HEADER_LENGTH; attr < end; attr = StunAttributes.next(buffer, attr)) {
            if (followsIntegrity(attr)) {
                return -1;
            }
            if (buffer.getUnsignedShort(attr + StunAttributes.TYPE_OFFSET) == type) {
                return attr;
            }
        }
        return -1;
    }

    /** Whether an attribute of {@code type} is present (and not ignored). */
    public boolean hasAttribute(int type) {
        return findAttribute(type) >= 0;
    }

    /** How many unknown comprehension-required types {@link #validate()} found (at most 16, distinct). */
    public int unknownAttributeCount() {
        return unknownCount;
    }

    /** The i-th unknown comprehension-required type, in message order. */
    public int unknownAttribute(int i) {
        if (i < 0 || i >= unknownCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return unknownAttributes[i];
    }

    @Override
    public String toString() {
        if (!wellFormed) {
            return "StunMessage[not validated or malformed, " + length + " bytes]";
        }
        return "StunMessage[" + StunMessageType.name(messageType()) + ", length=" + messageLength() + ']';
    }
}
