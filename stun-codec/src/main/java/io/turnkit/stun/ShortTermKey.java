package io.turnkit.stun;

import java.nio.charset.StandardCharsets;

/** The short-term credential key (RFC 8489 §9.1.1): key = OpaqueString(password), as UTF-8. */
public final class ShortTermKey {
    private ShortTermKey() {
    }

    /** @throws IllegalArgumentException when OpaqueString rejects the password */
    public static byte[] of(String password) {
        return OpaqueString.prepare(password).getBytes(StandardCharsets.UTF_8);
    }
}
