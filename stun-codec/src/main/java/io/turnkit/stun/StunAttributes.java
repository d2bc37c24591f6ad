package io.turnkit.stun;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * Typed readers of attribute values (RFC 8489 §14 and the TURN, ICE and NAT-behaviour RFCs). All
 * static; each takes the message and the attribute offset that {@link StunMessage#findAttribute}
 * or {@link AttributeIterator#attributeOffset()} gave. Every attribute is a TLV padded to 4 bytes:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Readers never read outside the attribute and never throw: when the value has the wrong size
 * for the reader, or {@code attr} is -1 (the attribute is absent), those returning
 * {@code int}/{@code long} give -1 (or 0 for full 64-bit values, where the caller checks
 * {@link #hasValidLength} first), {@code boolean} readers give false, string readers null.
 */
public final class StunAttributes {
    private static final int SIZE_OF_SHORT = 2;

    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = TYPE_OFFSET + SIZE_OF_SHORT;
    public static final int VALUE_OFFSET = LENGTH_OFFSET + SIZE_OF_SHORT;
    public static final int HEADER_LENGTH = VALUE_OFFSET;

    /** RFC 5780 §7.2: CHANGE-REQUEST "change IP" flag (A). */
    public static final int CHANGE_IP = 0x4;
    /** RFC 5780 §7.2: CHANGE-REQUEST "change port" flag (B). */
    public static final int CHANGE_PORT = 0x2;
    /** RFC 8656 §18.6: REQUESTED-TRANSPORT protocol number for UDP. */
    public static final int TRANSPORT_UDP = 17;
    /** RFC 6062 §6.2: REQUESTED-TRANSPORT protocol number for TCP. */
    public static final int TRANSPORT_TCP = 6;
    /** RFC 8656 §18.8: EVEN-PORT "R" bit: reserve the next port too. */
    static final int EVEN_PORT_RESERVE_BIT = 0x80;
    /** RFC 8489 §14.8: the class is three bits, the number eight. */
    private static final int ERROR_CLASS_MASK = 0x07;

    private StunAttributes() {
    }

    /** A value length rounded up to the 4-byte boundary every attribute ends on. */
    public static int paddedLength(int valueLength) {
        return (valueLength + 3) & ~3;
    }

    /** The offset of the attribute after {@code attr}. */
    static int next(ByteBuf b, int attr) {
        return attr + HEADER_LENGTH + paddedLength(b.getUnsignedShort(attr + LENGTH_OFFSET));
    }

    /** The attribute type; -1 for an absent attribute ({@code attr} -1). */
    public static int type(StunMessage m, int attr) {
        return attr < 0 ? -1 : m.buffer().getUnsignedShort(attr + TYPE_OFFSET);
    }

    /** The value length before padding; -1 for an absent attribute ({@code attr} -1). */
    public static int valueLength(StunMessage m, int attr) {
        return attr < 0 ? -1 : m.buffer().getUnsignedShort(attr + LENGTH_OFFSET);
    }

    /** The absolute index of the value. */
    public static int valueOffset(int attr) {
        return attr + VALUE_OFFSET;
    }

    /**
     * Whether the value has the size its type demands: a fixed size for numbers and flags, 8 or 20
     * for addresses, room for the fixed part of ERROR-CODE and PASSWORD-ALGORITHM; any size for
     * strings and opaque values. False for an absent attribute.
     */
    public static boolean hasValidLength(StunMessage m, int attr) {
        if (attr < 0) {
            return false;
        }
        int length = valueLength(m, attr);
        int type = type(m, attr);
        if (StunAttributeType.isAddress(type)) {
            return length == AddressAttribute.IPV4_VALUE_LENGTH || length == AddressAttribute.IPV6_VALUE_LENGTH;
        }
        switch (type) {
            case StunAttributeType.DONT_FRAGMENT:
            case StunAttributeType.USE_CANDIDATE:
                return length == 0;
            case StunAttributeType.EVEN_PORT:
                return length == 1;
            case StunAttributeType.CHANNEL_NUMBER:
            case StunAttributeType.LIFETIME:
            case StunAttributeType.REQUESTED_ADDRESS_FAMILY:
            case StunAttributeType.ADDITIONAL_ADDRESS_FAMILY:
            case StunAttributeType.LEGACY_ADDITIONAL_ADDRESS_FAMILY:
            case StunAttributeType.REQUESTED_TRANSPORT:
            case StunAttributeType.PRIORITY:
            case StunAttributeType.CHANGE_REQUEST:
            case StunAttributeType.RESPONSE_PORT:
            case StunAttributeType.CONNECTION_ID:
            case StunAttributeType.FINGERPRINT:
                return length == 4;
            case StunAttributeType.RESERVATION_TOKEN:
            case StunAttributeType.ICE_CONTROLLED:
            case StunAttributeType.ICE_CONTROLLING:
            case StunAttributeType.ICMP:
                return length == 8;
            case StunAttributeType.MESSAGE_INTEGRITY:
                return length == MessageIntegrity.VALUE_LENGTH;
            case StunAttributeType.MESSAGE_INTEGRITY_SHA256:
                return MessageIntegritySha256.isValidLength(length);
            case StunAttributeType.USERHASH:
                return length == UserHash.LENGTH;
            case StunAttributeType.ERROR_CODE:
            case StunAttributeType.ADDRESS_ERROR_CODE:
            case StunAttributeType.LEGACY_ADDRESS_ERROR_CODE:
                return length >= 4;
            case StunAttributeType.PASSWORD_ALGORITHM:
                return length >= 4 && length >= 4 + m.buffer().getUnsignedShort(valueOffset(attr) + 2);
            case StunAttributeType.UNKNOWN_ATTRIBUTES:
                return (length & 1) == 0;
            default:
                return true;
        }
    }

    /** A 32-bit unsigned value (LIFETIME, PRIORITY, CHANGE-REQUEST, CONNECTION-ID), or -1. */
    public static long uint32(StunMessage m, int attr) {
        if (valueLength(m, attr) != 4) {
            return -1;
        }
        return m.buffer().getUnsignedInt(valueOffset(attr));
    }

    /** A 64-bit value (ICE-CONTROLLED/ICE-CONTROLLING tie-breaker, RESERVATION-TOKEN), or 0 if not 8 bytes. */
    public static long uint64(StunMessage m, int attr) {
        if (valueLength(m, attr) != 8) {
            return 0;
        }
        return m.buffer().getLong(valueOffset(attr));
    }

    /** CHANNEL-NUMBER (RFC 8656 §18.1): the upper 16 bits, then 16 RFFU bits; -1 if malformed. */
    public static int channelNumber(StunMessage m, int attr) {
        return upper16(m, attr);
    }

    /** REQUESTED-TRANSPORT (RFC 8656 §18.6): protocol number in the first byte, 17 = UDP; -1 if malformed. */
    public static int requestedTransport(StunMessage m, int attr) {
        return firstByte(m, attr);
    }

    /**
     * REQUESTED-ADDRESS-FAMILY / ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.10, §18.11): family in the
     * first byte, 1 = IPv4, 2 = IPv6; -1 if malformed.
     */
    public static int addressFamily(StunMessage m, int attr) {
        return firstByte(m, attr);
    }

    /** EVEN-PORT (RFC 8656 §18.8): the R bit, asking to reserve the next higher port. */
    public static boolean evenPortReserve(StunMessage m, int attr) {
        return valueLength(m, attr) >= 1
            && (m.buffer().getByte(valueOffset(attr)) & EVEN_PORT_RESERVE_BIT) != 0;
    }

    /** RESERVATION-TOKEN (RFC 8656 §18.9): 8 opaque bytes; 0 if malformed. */
    public static long reservationToken(StunMessage m, int attr) {
        return uint64(m, attr);
    }

    /**
     * CHANGE-REQUEST (RFC 5780 §7.2): its "change IP" and "change port" flags ({@link #CHANGE_IP}, {@link
     * #CHANGE_PORT}), the other bits being unused; -1 if malformed.
     */
    public static int changeRequest(StunMessage m, int attr) {
        long value = uint32(m, attr);
        return value < 0 ? -1 : (int) value & (CHANGE_IP | CHANGE_PORT);
    }

    /** RESPONSE-PORT (RFC 5780 §7.5): port in the upper 16 bits; -1 if malformed. */
    public static int responsePort(StunMessage m, int attr) {
        return upper16(m, attr);
    }

    /** The value as UTF-8 (USERNAME, REALM, NONCE, SOFTWARE, ALTERNATE-DOMAIN, ...); null if absent. Allocates. */
    public static String string(StunMessage m, int attr) {
        return attr < 0 ? null : m.buffer().toString(valueOffset(attr), valueLength(m, attr), StandardCharsets.UTF_8);
    }

    /** Whether the value is exactly these bytes (a USERNAME, REALM or NONCE lookup); no allocation. */
    public static boolean stringEquals(StunMessage m, int attr, byte[] utf8) {
        return valueEquals(m, attr, utf8);
    }

    /** Whether the value is exactly these bytes (USERHASH, ...); no allocation. */
    public static boolean valueEquals(StunMessage m, int attr, byte[] value) {
        int length = valueLength(m, attr);
        if (length != value.length) {
            return false;
        }
        ByteBuf b = m.buffer();
        int start = valueOffset(attr);
        for (int i = 0; i < length; i++) {
            if (b.getByte(start + i) != value[i]) {
                return false;
            }
        }
        return true;
    }

    /** Copies up to {@code dst.length} value bytes into {@code dst}; returns the value length (-1 if absent). */
    public static int copyValue(StunMessage m, int attr, byte[] dst) {
        int length = valueLength(m, attr);
        if (length > 0) {
            m.buffer().getBytes(valueOffset(attr), dst, 0, Math.min(length, dst.length));
        }
        return length;
    }

    /**
     * ERROR-CODE (RFC 8489 §14.8) or ADDRESS-ERROR-CODE (RFC 8656 §18.12): class × 100 + number,
     * 300..699; -1 if malformed or out of range.
     *
     * <pre>
     * |           Reserved, should be 0         |Class|     Number    |
     * |      Reason Phrase (variable)                                ..
     * </pre>
     */
    public static int errorCode(StunMessage m, int attr) {
        if (valueLength(m, attr) < 4) {
            return -1;
        }
        ByteBuf b = m.buffer();
        int errorClass = b.getByte(valueOffset(attr) + 2) & ERROR_CLASS_MASK;
        int number = b.getUnsignedByte(valueOffset(attr) + 3);
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            return -1;
        }
        return errorClass * 100 + number;
    }

    /** The reason phrase after the code (UTF-8); empty if malformed or absent. Allocates. */
    public static String errorReason(StunMessage m, int attr) {
        int length = valueLength(m, attr);
        if (length < 4) {
            return "";
        }
        return m.buffer().toString(valueOffset(attr) + 4, length - 4, StandardCharsets.UTF_8);
    }

    /** ADDRESS-ERROR-CODE (RFC 8656 §18.12): the family the error is about; -1 if malformed. */
    public static int addressErrorFamily(StunMessage m, int attr) {
        return valueLength(m, attr) < 4 ? -1 : m.buffer().getUnsignedByte(valueOffset(attr));
    }

    /**
     * PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm number; -1 if malformed.
     *
     * <pre>
     * |          Algorithm           |  Algorithm Parameters Length   |
     * |                    Algorithm Parameters (variable)           ...
     * </pre>
     */
    public static int passwordAlgorithm(StunMessage m, int attr) {
        return valueLength(m, attr) < 4 ? -1 : m.buffer().getUnsignedShort(valueOffset(attr));
    }

    /**
     * Whether PASSWORD-ALGORITHMS (RFC 8489 §14.11) lists exactly {@code algorithms}, in order and
     * without parameters: the RFC 8489 §9.2.4 bid-down check that a request repeats the list the
     * server sent.
     */
    public static boolean passwordAlgorithmsEqual(StunMessage m, int attr, int... algorithms) {
        if (valueLength(m, attr) != algorithms.length * 4) {
            return false;
        }
        ByteBuf b = m.buffer();
        int entry = valueOffset(attr);
        for (int algorithm : algorithms) {
            if (b.getUnsignedShort(entry) != algorithm || b.getUnsignedShort(entry + 2) != 0) {
                return false;
            }
            entry += 4;
        }
        return true;
    }

    /** Whether PASSWORD-ALGORITHMS (RFC 8489 §14.11) offers {@code algorithm}; a malformed list offers nothing. */
    public static boolean passwordAlgorithmsContains(StunMessage m, int attr, int algorithm) {
        ByteBuf b = m.buffer();
        int entry = valueOffset(attr);
        int end = entry + valueLength(m, attr);
        while (end - entry >= 4) {
            int next = entry + 4 + paddedLength(b.getUnsignedShort(entry + 2));
            if (next > end) {
                return false;
            }
            if (b.getUnsignedShort(entry) == algorithm) {
                return true;
            }
            entry = next;
        }
        return false;
    }

    /** How many 16-bit values the attribute holds (UNKNOWN-ATTRIBUTES, RFC 8489 §14.9). */
    public static int uint16Count(StunMessage m, int attr) {
        return valueLength(m, attr) / 2;
    }

    /** The i-th 16-bit value, 0 ≤ i &lt; {@link #uint16Count}; -1 outside. */
    public static int uint16(StunMessage m, int attr, int i) {
        if (i < 0 || i >= uint16Count(m, attr)) {
            return -1;
        }
        return m.buffer().getUnsignedShort(valueOffset(attr) + 2 * i);
    }

    /**
     * ICMP (RFC 8656 §18.13), in a Data indication: type in byte 2 of the value.
     *
     * <pre>
     * |           Reserved            |  ICMP Type  |   ICMP Code     |
     * |                          Error Data                           |
     * </pre>
     */
    public static int icmpType(StunMessage m, int attr) {
        return valueLength(m, attr) != 8 ? -1 : m.buffer().getUnsignedByte(valueOffset(attr) + 2);
    }

    /** ICMP code (RFC 8656 §18.13); -1 if malformed. */
    public static int icmpCode(StunMessage m, int attr) {
        return valueLength(m, attr) != 8 ? -1 : m.buffer().getUnsignedByte(valueOffset(attr) + 3);
    }

    /** ICMP error data, e.g. the MTU of "fragmentation needed" (RFC 8656 §18.13); -1 if malformed. */
    public static long icmpErrorData(StunMessage m, int attr) {
        return valueLength(m, attr) != 8 ? -1 : m.buffer().getUnsignedInt(valueOffset(attr) + 4);
    }

    private static int upper16(StunMessage m, int attr) {
        return valueLength(m, attr) != 4 ? -1 : m.buffer().getUnsignedShort(valueOffset(attr));
    }

    private static int firstByte(StunMessage m, int attr) {
        return valueLength(m, attr) != 4 ? -1 : m.buffer().getUnsignedByte(valueOffset(attr));
    }
}
