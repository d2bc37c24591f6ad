package io.turnkit.store.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of the keys {@link RedisCredentialStore} reads and writes (the layout is described there), and their
 * parsing. A realm, user name or secret id is one key segment: percent-encoded as in the credential file, and
 * also where it holds '/' or a glob character ({@code * ? [ ] \}), so that a key splits back into its segments
 * without doubt and a segment never widens a SCAN pattern. Plain names stay as they are, which keeps the keys
 * those of coturn.
 */
final class RedisKeys {
    /** Every key of the layout starts with it; coturn's other keys under it are skipped by {@link #parse}. */
    static final String PREFIX = "turn/realm/";
    /** The SCAN pattern of every key a load reads. */
    static final String ALL = PREFIX + "*";
    private static final String USER = "user";
    private static final String SECRET = "secret";
    private static final String SECRET_ADDED = "secret-added";
    private static final String ESCAPED = "/*?[]\\";
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat ESCAPE_HEX = HexFormat.of().withUpperCase();

    /** What a key holds. */
    enum Kind {
        /** coturn's hex MD5 key of a user (RFC 8489 §9.2.2). */
        USER_MD5_KEY("key"),
        /** The hex SHA-256 key of a user (RFC 8489 §18.5.1.2). */
        USER_SHA256_KEY("sha256-key"),
        /** When a user was added, ISO-8601. */
        USER_ADDED("added"),
        /** coturn's REST API secret. */
        SECRET(null),
        /** When a secret was added, ISO-8601. */
        SECRET_ADDED(null);

        private final String userField;

        Kind(String userField) {
            this.userField = userField;
        }
    }

    /** A key of the layout: its kind, realm, and user name or secret id. */
    record Parsed(Kind kind, String realm, String name) {
    }

    private RedisKeys() {
    }

    static String user(String realm, String username, Kind kind) {
        return user(realm, username) + "/" + kind.userField;
    }

    /** What the keys of one user start with; names the user in messages. */
    static String user(String realm, String username) {
        return PREFIX + segment(realm) + "/" + USER + "/" + segment(username);
    }

    static String secret(String realm, String id) {
        return PREFIX + segment(realm) + "/" + SECRET + "/" + segment(id);
    }

    /** Outside coturn's {@code turn/realm/REALM/secret/*}, which would take the time for a secret. */
    static String secretAdded(String realm, String id) {
        return PREFIX + segment(realm) + "/" + SECRET_ADDED + "/" + segment(id);
    }

    /** The SCAN pattern of a realm's secrets, coturn's included. */
    static String secretsOf(String realm) {
        return PREFIX + segment(realm) + "/" + SECRET + "/*";
    }

    /**
     * The id under which turnkit keeps {@code secret}: its SHA-256 in hex, so that adding a secret twice lands on
     * the same key and needs no read first.
     */
    static String secretId(String secret) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The kind, realm and name of a key of the layout, or null for any other key (coturn's
     * {@code turn/realm/REALM/user/NAME/password}, {@code turn/realm/REALM/max-bps}…).
     *
     * @throws IllegalArgumentException when a segment has a broken percent escape
     */
    static Parsed parse(String key) {
        if (!key.startsWith(PREFIX)) {
            return null;
        }
        String[] segments = key.substring(PREFIX.length()).split("/", -1);
        Kind kind = null;
        if (segments.length == 4 && segments[1].equals(USER)) {
            for (Kind candidate : Kind.values()) {
                if (segments[3].equals(candidate.userField)) {
                    kind = candidate;
                }
            }
        } else if (segments.length == 3 && segments[1].equals(SECRET)) {
            kind = Kind.SECRET;
        } else if (segments.length == 3 && segments[1].equals(SECRET_ADDED)) {
            kind = Kind.SECRET_ADDED;
        }
        return kind == null ? null
                : new Parsed(kind, CredentialRecords.decode(segments[0]), CredentialRecords.decode(segments[2]));
    }

    /** A realm, user name or secret id as one segment of a key. */
    static String segment(String value) {
        String encoded = CredentialRecords.encode(value);
        StringBuilder out = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (ESCAPED.indexOf(c) >= 0) {
                out.append('%').append(ESCAPE_HEX.toHexDigits((byte) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
