package io.turnkit.store.credential;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials a load finds in Redis, gathered key by key in whatever order SCAN returns them; see
 * {@link RedisCredentialStore} for the layout. A user is whatever has a key of either kind; a time is missing
 * for what coturn wrote, and such entries count as added at the epoch (oldest).
 */
final class RedisRecords {
    /** Every load builds the same lists, whatever order SCAN returned the keys in. */
    static final Comparator<UserKeys> USER_ORDER = Comparator.comparing(UserKeys::realm)
            .thenComparing(UserKeys::username);
    static final Comparator<SecretEntry> SECRET_ORDER = Comparator.comparing(SecretEntry::realm)
            .thenComparing(SecretEntry::added).thenComparing(SecretEntry::secret);

    /** A user's keys as found so far. */
    private static final class UserParts {
        byte[] md5Key;
        byte[] sha256Key;
        Instant added = Instant.EPOCH;
    }

    /** A secret and its time as found so far, under its id. */
    private static final class SecretParts {
        String secret;
        Instant added = Instant.EPOCH;
    }

    private final Map<List<String>, UserParts> users = new LinkedHashMap<>();
    private final Map<List<String>, SecretParts> secrets = new LinkedHashMap<>();

    /**
     * Takes one key and its value; keys outside the layout are skipped.
     *
     * @throws IllegalArgumentException naming the key when its value is not of its kind; never showing the value
     */
    void add(String key, String value) {
        RedisKeys.Parsed parsed;
        try {
            parsed = RedisKeys.parse(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
        if (parsed == null) {
            return;
        }
        List<String> id = List.of(parsed.realm(), parsed.name());
        switch (parsed.kind()) {
            case USER_MD5_KEY -> users.computeIfAbsent(id, k -> new UserParts()).md5Key =
                    hex(key, value, UserKeys.MD5_KEY_LENGTH);
            case USER_SHA256_KEY -> users.computeIfAbsent(id, k -> new UserParts()).sha256Key =
                    hex(key, value, UserKeys.SHA256_KEY_LENGTH);
            case USER_ADDED -> users.computeIfAbsent(id, k -> new UserParts()).added = instant(key, value);
            case SECRET -> secrets.computeIfAbsent(id, k -> new SecretParts()).secret = value;
            case SECRET_ADDED -> secrets.computeIfAbsent(id, k -> new SecretParts()).added = instant(key, value);
        }
    }

    /**
     * Every user with a key, in realm and name order; a time without keys is what a delete or a write in progress
     * leaves for a moment, and is no user.
     *
     * @throws IllegalArgumentException naming the user's keys when a realm or name is not allowed
     */
    List<UserKeys> users() {
        List<UserKeys> found = new ArrayList<>(users.size());
        users.forEach((id, parts) -> {
            if (parts.md5Key != null || parts.sha256Key != null) {
                try {
                    found.add(new UserKeys(id.get(0), id.get(1), parts.md5Key, parts.sha256Key, parts.added));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(RedisKeys.user(id.get(0), id.get(1)) + ": " + e.getMessage(),
                            e);
                }
            }
        });
        found.sort(USER_ORDER);
        return found;
    }

    /** Every secret once per realm (the newest time wins when coturn holds it under another id too). */
    List<SecretEntry> secrets() {
        Map<List<String>, SecretEntry> unique = new LinkedHashMap<>();
        secrets.forEach((id, parts) -> {
            if (parts.secret != null && !parts.secret.isEmpty() && !id.get(0).isEmpty()) {
                SecretEntry entry = new SecretEntry(id.get(0), parts.secret, parts.added);
                unique.merge(List.of(entry.realm(), entry.secret()), entry,
                        (a, b) -> a.added().isAfter(b.added()) ? a : b);
            }
        });
        List<SecretEntry> found = new ArrayList<>(unique.values());
        found.sort(SECRET_ORDER);
        return found;
    }

    private static byte[] hex(String key, String value, int length) {
        if (value.length() != 2 * length || !value.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException(key + ": expected " + 2 * length + " hex digits");
        }
        return HexFormat.of().parseHex(value);
    }

    private static Instant instant(String key, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + ": expected an ISO-8601 instant, got '" + value + "'", e);
        }
    }
}
