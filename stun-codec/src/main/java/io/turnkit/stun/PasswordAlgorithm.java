package io.turnkit.stun;

/** Password algorithm numbers of PASSWORD-ALGORITHM(S) (RFC 8489 §18.5, IANA "STUN Password Algorithms"). */
public final class PasswordAlgorithm {
    /** RFC 8489 §18.5.1.1: the 16-byte MD5 long-term key of §9.2.2. */
    public static final int MD5 = 0x0001;
    /** RFC 8489 §18.5.1.2: the 32-byte SHA-256 long-term key of §9.2.2. */
    public static final int SHA256 = 0x0002;

    private PasswordAlgorithm() {
    }

    /** Whether this codec can derive a key for the algorithm. */
    public static boolean isSupported(int algorithm) {
        return algorithm == MD5 || algorithm == SHA256;
    }

    /** The registered name, for logs. */
    public static String name(int algorithm) {
        switch (algorithm) {
            case MD5:
                return "MD5";
            case SHA256:
                return "SHA-256";
            default:
                return String.format("0x%04X", algorithm);
        }
    }
}
