package io.turnkit.perf.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.turnkit.stun.LongTermKey;

/**
 * The user name and password of the long-term credential mechanism (RFC 8489 §9.2), shared by every
 * client socket of a run. The MD5 key is derived once per realm: both coturn and turnkit accept
 * MESSAGE-INTEGRITY with it when a request names no PASSWORD-ALGORITHM (RFC 8489 §9.2.4).
 */
final class Credentials {
    private final String username;
    private final String password;
    private final Map<String, byte[]> keysByRealm = new ConcurrentHashMap<>();

    Credentials(String username, String password) {
        this.username = username;
        this.password = password;
    }

    /** Whether there are credentials to answer a 401 with. */
    boolean isPresent() {
        return username != null && password != null;
    }

    String username() {
        return username;
    }

    /** RFC 8489 §9.2.2: key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)). */
    byte[] key(String realm) {
        return keysByRealm.computeIfAbsent(realm, r -> LongTermKey.md5(username, r, password));
    }
}
