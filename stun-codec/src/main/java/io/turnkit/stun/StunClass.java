package io.turnkit.stun;

/**
 * The four STUN message classes (RFC 8489 §5): the two C bits of the message type.
 */
public final class StunClass {
    public static final int REQUEST = 0b00;
    public static final int INDICATION = 0b01;
    public static final int SUCCESS_RESPONSE = 0b10;
    public static final int ERROR_RESPONSE = 0b11;

    private StunClass() {
    }

    /** The class name as the RFC writes it, for logs. */
    public static String name(int stunClass) {
        switch (stunClass) {
            case REQUEST:
                return "request";
            case INDICATION:
                return "indication";
            case SUCCESS_RESPONSE:
                return "success response";
            case ERROR_RESPONSE:
                return "error response";
            default:
                return "class(" + stunClass + ")";
        }
    }
}
