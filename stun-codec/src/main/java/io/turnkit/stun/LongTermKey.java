package io.turnkit.stun;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The long-term credential key (RFC 8489 §9.2.2):
 *
 * <pre>
 * key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password))
 * key = SHA-256(username ":" OpaqueString(realm) ":" OpaqueString(password))
 * </pre>
 *
 * <p>The user name is used as it is: RFC 8489 takes it from the USERNAME attribute, where the
 * client already applied OpaqueString (§14.3). A client building a key from a name a person typed
 * prepares it first with {@link OpaqueString#prepare}. The realm and password are prepared here.
 * Keys are derived on the control path (credential lookup, a cache fill): they allocate.
 */
public final class LongTermKey {
    private LongTermKey() {
    }

    /** The 16-byte MD5 key, for PASSWORD-ALGORITHM MD5 or when none was negotiated. */
    public static byte[] md5(String username, String realm, String password) {
        return hash("MD5", username, realm, password);
    }

    /** The 32-byte SHA-256 key, for PASSWORD-ALGORITHM SHA-256. */
    public static byte[] sha256(String username, String realm, String password) {
        return hash("SHA-256", username, realm, password);
    }

    /**
     * The key for a {@link PasswordAlgorithm} number.
     *
     * @throws IllegalArgumentException for an algorithm this codec does not support
     */
    public static byte[] derive(int passwordAlgorithm, String username, String realm, String password) {
        switch (passwordAlgorithm) {
            case PasswordAlgorithm.MD5:
                return md5(username, realm, password);
            case PasswordAlgorithm.SHA256:
                return sha256(username, realm, password);
            default:
                throw new IllegalArgumentException("unsupported password algorithm "
                    + PasswordAlgorithm.name(passwordAlgorithm));
        }
    }

    private static byte[] hash(String algorithm, String username, String realm, String password) {
        String input = username + ':' + OpaqueString.prepare(realm) + ':' + OpaqueString.prepare(password);
        return digest(algorithm, input.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every JDK", e);
        }
    }
}
