package io.turnkit.stun;

import java.nio.charset.StandardCharsets;

/**
 * USERHASH (RFC 8489 §14.4), sent instead of USERNAME to keep the name private:
 *
 * <pre>
 * userhash = SHA-256(OpaqueString(username) ":" OpaqueString(realm))
 * </pre>
 */
public final class UserHash {
    /** RFC 8489 §14.4: 32 bytes. */
    public static final int LENGTH = 32;

    private UserHash() {
    }

    /** @throws IllegalArgumentException when OpaqueString rejects the user name or the realm */
    public static byte[] of(String username, String realm) {
        String input = OpaqueString.prepare(username) + ':' + OpaqueString.prepare(realm);
        return LongTermKey.digest("SHA-256", input.getBytes(StandardCharsets.UTF_8));
    }
}
