package io.turnkit.ice.agent;

import java.util.random.RandomGenerator;

import io.turnkit.stun.ShortTermKey;

/**
 * A username fragment and password (RFC 8445 §5.3), the short-term credentials of connectivity checks. RFC 8839
 * §5.4: the ufrag is 4 to 256 ice-chars, the password 22 to 256.
 *
 * @param ufrag    the username fragment
 * @param password the password
 */
public record IceCredentials(String ufrag, String password) {
    /** RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/". */
    private static final String ICE_CHARS =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final int GENERATED_UFRAG_LENGTH = 8;
    private static final int GENERATED_PASSWORD_LENGTH = 24;
    private static final int MIN_UFRAG = 4;
    private static final int MIN_PASSWORD = 22;
    private static final int MAX_LENGTH = 256;

    public IceCredentials {
        check("ufrag", ufrag, MIN_UFRAG);
        check("password", password, MIN_PASSWORD);
    }

    private static void check(String what, String value, int min) {
        if (value == null || value.length() < min || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("ICE " + what + " must be " + min + " to " + MAX_LENGTH
                + " characters (RFC 8839 §5.4): " + (value == null ? "none" : value.length()));
        }
        if (!isIceChars(value)) {
            throw new IllegalArgumentException("ICE " + what + " may hold only letters, digits, '+' and '/'");
        }
    }

    /** Whether every character of {@code value} is an ice-char. */
    public static boolean isIceChars(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (ICE_CHARS.indexOf(value.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8445 §5.3: fresh random credentials, 48 bits in the ufrag and 144 in the password. */
    public static IceCredentials generate(RandomGenerator random) {
        return new IceCredentials(randomIceChars(random, GENERATED_UFRAG_LENGTH),
            randomIceChars(random, GENERATED_PASSWORD_LENGTH));
    }

    private static String randomIceChars(RandomGenerator random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length()));
        }
        return new String(chars);
    }

    /** RFC 8489 §9.1.1: the MESSAGE-INTEGRITY key of these credentials. */
    byte[] key() {
        return ShortTermKey.of(password);
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", password=(hidden)]";
    }
}
