package io.turnkit.cli;

import io.turnkit.store.credential.UserKeys;

/**
 * Which long-term keys a user gets (RFC 8489 §9.2.2): MD5 is what browsers and RFC 5389 clients use; SHA-256
 * (§18.5.1.2) is for clients that ask for PASSWORD-ALGORITHM SHA-256. A user with one key only cannot log in
 * with the other algorithm.
 */
enum KeyAlgorithms {
    MD5(true, false),
    SHA256(false, true),
    BOTH(true, true);

    private final boolean md5;
    private final boolean sha256;

    KeyAlgorithms(boolean md5, boolean sha256) {
        this.md5 = md5;
        this.sha256 = sha256;
    }

    /** {@code keys} with only the keys of these algorithms. */
    UserKeys keep(UserKeys keys) {
        return new UserKeys(keys.realm(), keys.username(), md5 ? keys.md5Key() : null,
                sha256 ? keys.sha256Key() : null, keys.added());
    }

    /** The algorithms of the keys a user has, as {@code turnkit user list} shows them: "md5,sha256". */
    static String of(UserKeys keys) {
        return keys.hasMd5Key() && keys.hasSha256Key() ? "md5,sha256" : keys.hasMd5Key() ? "md5" : "sha256";
    }

    /** md5, sha256, both. */
    static final class Names extends LowerCaseNames<KeyAlgorithms> {
        Names() {
            super(KeyAlgorithms.class);
        }
    }
}
