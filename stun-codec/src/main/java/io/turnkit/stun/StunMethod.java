package io.turnkit.stun;

/**
 * STUN method numbers (IANA "STUN Methods" registry), 12 bits each.
 *
 * <p>RFC 8016 (mobility) defines no method: its MOBILITY-TICKET attribute rides on Allocate and
 * Refresh.
 */
public final class StunMethod {
    /** RFC 8489 §18.2. */
    public static final int BINDING = 0x001;
    /** Reserved by RFC 8489 (was Shared Secret in RFC 3489); never sent. */
    public static final int SHARED_SECRET = 0x002;
    /** RFC 8656 §17. */
    public static final int ALLOCATE = 0x003;
    /** RFC 8656 §17. */
    public static final int REFRESH = 0x004;
    /** RFC 8656 §17: indication only. */
    public static final int SEND = 0x006;
    /** RFC 8656 §17: indication only. */
    public static final int DATA = 0x007;
    /** RFC 8656 §17. */
    public static final int CREATE_PERMISSION = 0x008;
    /** RFC 8656 §17. */
    public static final int CHANNEL_BIND = 0x009;
    /** RFC 6062 §6.1. */
    public static final int CONNECT = 0x00A;
    /** RFC 6062 §6.1. */
    public static final int CONNECTION_BIND = 0x00B;
    /** RFC 6062 §6.1: indication only. */
    public static final int CONNECTION_ATTEMPT = 0x00C;

    /** The largest value a 12-bit method can take. */
    public static final int MAX = 0xFFF;

    private StunMethod() {
    }

    /** The method's registered name, or {@code 0x...} for an unregistered one. */
    public static String name(int method) {
        switch (method) {
            case BINDING:
                return "Binding";
            case SHARED_SECRET:
                return "SharedSecret";
            case ALLOCATE:
                return "Allocate";
            case REFRESH:
                return "Refresh";
            case SEND:
                return "Send";
            case DATA:
                return "Data";
            case CREATE_PERMISSION:
                return "CreatePermission";
            case CHANNEL_BIND:
                return "ChannelBind";
            case CONNECT:
                return "Connect";
            case CONNECTION_BIND:
                return "ConnectionBind";
            case CONNECTION_ATTEMPT:
                return "ConnectionAttempt";
            default:
                return String.format("0x%03X", method);
        }
    }
}
