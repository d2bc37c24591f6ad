package io.turnkit.stun;

/** Error codes of ERROR-CODE (IANA "STUN Error Codes" registry) and their suggested reason phrases. */
public final class StunErrorCode {
    /** RFC 8489 §14.8. */
    public static final int TRY_ALTERNATE = 300;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHENTICATED = 401;
    /** RFC 8656 §19. */
    public static final int FORBIDDEN = 403;
    /** RFC 8016 §6. */
    public static final int MOBILITY_FORBIDDEN = 405;
    public static final int UNKNOWN_ATTRIBUTE = 420;
    /** RFC 8656 §19. */
    public static final int ALLOCATION_MISMATCH = 437;
    public static final int STALE_NONCE = 438;
    /** RFC 8656 §19. */
    public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    public static final int WRONG_CREDENTIALS = 441;
    public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
    public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
    /** RFC 6062 §6.3. */
    public static final int CONNECTION_ALREADY_EXISTS = 446;
    public static final int CONNECTION_TIMEOUT_OR_FAILURE = 447;
    public static final int ALLOCATION_QUOTA_REACHED = 486;
    /** RFC 8445 §7.3.1.1. */
    public static final int ROLE_CONFLICT = 487;
    public static final int SERVER_ERROR = 500;
    public static final int INSUFFICIENT_CAPACITY = 508;

    private StunErrorCode() {
    }

    /** The reason phrase the RFCs suggest, or "Error" for an unregistered code. */
    public static String reason(int code) {
        switch (code) {
            case TRY_ALTERNATE: return "Try Alternate";
            case BAD_REQUEST: return "Bad Request";
            case UNAUTHENTICATED: return "Unauthenticated";
            case FORBIDDEN: return "Forbidden";
            case MOBILITY_FORBIDDEN: return "Mobility Forbidden";
            case UNKNOWN_ATTRIBUTE: return "Unknown Attribute";
            case ALLOCATION_MISMATCH: return "Allocation Mismatch";
            case STALE_NONCE: return "Stale Nonce";
            case ADDRESS_FAMILY_NOT_SUPPORTED: return "Address Family not Supported";
            case WRONG_CREDENTIALS: return "Wrong Credentials";
            case UNSUPPORTED_TRANSPORT_PROTOCOL: return "Unsupported Transport Protocol";
            case PEER_ADDRESS_FAMILY_MISMATCH: return "Peer Address Family Mismatch";
            case CONNECTION_ALREADY_EXISTS: return "Connection Already Exists";
            case CONNECTION_TIMEOUT_OR_FAILURE: return "Connection Timeout or Failure";
            case ALLOCATION_QUOTA_REACHED: return "Allocation Quota Reached";
            case ROLE_CONFLICT: return "Role Conflict";
            case SERVER_ERROR: return "Server Error";
            case INSUFFICIENT_CAPACITY: return "Insufficient Capacity";
            default: return "Error";
        }
    }
}
