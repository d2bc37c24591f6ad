package io.turnkit.stun;

/**
 * Packs and unpacks the 14-bit STUN message type (RFC 8489 §5), where the two class bits are
 * interleaved with the twelve method bits:
 *
 * <pre>
 *  0                 1
 *  2  3  4 5 6 7 8 9 0 1 2 3 4 5
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 * |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class StunMessageType {
    private static final int METHOD_LOW = 0x000F;   // M0..M3 stay in bits 0..3
    private static final int METHOD_MID = 0x0070;   // M4..M6 move up one bit, over C0
    private static final int METHOD_HIGH = 0x0F80;  // M7..M11 move up two bits, over C0 and C1
    private static final int C0_BIT = 0x0010;
    private static final int C1_BIT = 0x0100;

    private StunMessageType() {
    }

    /** The message type for a method (12 bits) and a {@link StunClass}. */
    public static int of(int method, int stunClass) {
        return (method & METHOD_LOW)
            | ((method & METHOD_MID) << 1)
            | ((method & METHOD_HIGH) << 2)
            | ((stunClass & 0b01) << 4)
            | ((stunClass & 0b10) << 7);
    }

    /** The 12-bit method of a message type. */
    public static int method(int type) {
        return (type & METHOD_LOW)
            | ((type >> 1) & METHOD_MID)
            | ((type >> 2) & METHOD_HIGH);
    }

    /** The {@link StunClass} of a message type. */
    public static int stunClass(int type) {
        return ((type & C0_BIT) >> 4) | ((type & C1_BIT) >> 7);
    }

    /** For logs: {@code "Allocate error response"}. */
    public static String name(int type) {
        return StunMethod.name(method(type)) + ' ' + StunClass.name(stunClass(type));
    }
}
