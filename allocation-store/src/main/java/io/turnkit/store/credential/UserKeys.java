package io.turnkit.store.credential;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.OpaqueString;

/**
 * One user's long-term credential as the server keeps it: the HMAC keys of RFC 8489 §9.2.2, never the password.
 *
 * <pre>
 *   md5Key    = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password))      16 bytes
 *   sha256Key = SHA-256(username ":" OpaqueString(realm) ":" OpaqueString(password))  32 bytes (§18.5.1.2)
 * </pre>
 *
 * Either key may be absent (null), not both: keys imported from coturn's database are MD5 only, so such a user
 * cannot authenticate with PASSWORD-ALGORITHM SHA-256. The arrays are shared with every reader (lookups happen on
 * event-loop threads and must not copy): nobody may modify them.
 *
 * @param realm     the realm the keys were derived for
 * @param username  the username as it appears in USERNAME (OpaqueString already applied, RFC 8489 §9.2.2)
 * @param md5Key    the 16-byte MD5 key, or null
 * @param sha256Key the 32-byte SHA-256 key, or null
 * @param added     when the user was added
 */
public record UserKeys(String realm, String username, byte[] md5Key, byte[] sha256Key, Instant added) {
    /** Length of the MD5 key (RFC 8489 §9.2.2). */
    public static final int MD5_KEY_LENGTH = 16;
    /** Length of the SHA-256 key (RFC 8489 §18.5.1.2). */
    public static final int SHA256_KEY_LENGTH = 32;

    public UserKeys {
        requireText(realm, "realm");
        requireText(username, "username");
        Objects.requireNonNull(added, "added");
        if (md5Key == null && sha256Key == null) {
            throw new IllegalArgumentException("a user needs an MD5 or a SHA-256 key: " + username);
        }
        md5Key = copyOfLength(md5Key, MD5_KEY_LENGTH, "MD5");
        sha256Key = copyOfLength(sha256Key, SHA256_KEY_LENGTH, "SHA-256");
    }

    /**
     * Derives both keys from a password, which is then forgotten. The username is prepared with OpaqueString first,
     * as a client prepares it before sending USERNAME (RFC 8489 §14.3), so that both sides hash the same bytes.
     *
     * @throws IllegalArgumentException when OpaqueString refuses the username, realm or password
     */
    public static UserKeys fromPassword(String realm, String username, String password, Instant added) {
        String prepared = OpaqueString.prepare(username);
        return new UserKeys(realm, prepared, LongTermKey.md5(prepared, realm, password),
                LongTermKey.sha256(prepared, realm, password), added);
    }

    /** Whether this user can authenticate with the SHA-256 password algorithm (RFC 8489 §18.5.1.2). */
    public boolean hasSha256Key() {
        return sha256Key != null;
    }

    /** Whether this user can authenticate with the MD5 password algorithm (RFC 8489 §18.5.1.1). */
    public boolean hasMd5Key() {
        return md5Key != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserKeys other
                && realm.equals(other.realm)
                && username.equals(other.username)
                && Arrays.equals(md5Key, other.md5Key)
                && Arrays.equals(sha256Key, other.sha256Key)
                && added.equals(other.added);
    }

    @Override
    public int hashCode() {
        return Objects.hash(realm, username, Arrays.hashCode(md5Key), Arrays.hashCode(sha256Key), added);
    }

    /** Names the user and which keys exist; never prints a key, since a key is as good as the password. */
    @Override
    public String toString() {
        return "UserKeys[realm=" + realm + ", username=" + username + ", md5=" + hasMd5Key()
                + ", sha256=" + hasSha256Key() + ", added=" + added + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private static byte[] copyOfLength(byte[] key, int length, String algorithm) {
        if (key == null) {
            return null;
        }
        if (key.length != length) {
            throw new IllegalArgumentException(algorithm + " key must be " + length + " bytes, not " + key.length);
        }
        return key.clone();
    }
}
