package io.turnkit.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ephemeral credentials of the TURN REST API (draft-uberti-behave-turn-rest-00, coturn's
 * {@code --use-auth-secret} / {@code --static-auth-secret}): a web service that shares a secret with the TURN server
 * hands out
 *
 * <pre>
 *   username = &lt;expiry, unix seconds&gt; [ &lt;separator&gt; &lt;user id&gt; ]      e.g. "1735689600:alice"
 *   password = base64(HMAC-SHA1(secret, username))
 * </pre>
 *
 * and the server recomputes the password from the username, with no user database. Several secrets are accepted at
 * once so that a secret can be rotated without refusing credentials already handed out; a username whose expiry has
 * passed (or that does not start with one) has no password at all.
 */
public final class RestApiCredentials {
    /** coturn's default separator between the expiry and the user id. */
    public static final char DEFAULT_SEPARATOR = ':';
    /** Unix seconds fit in 12 digits until the year 33658; longer digit runs are refused, not overflowed. */
    private static final int MAX_EXPIRY_DIGITS = 12;
    private static final long NO_EXPIRY = -1;
    private static final String HMAC_SHA1 = "HmacSHA1";

    private final List<String> secrets;
    private final char separator;
    private final Clock clock;

    /**
     * @param secrets   the shared secrets accepted, tried in this order
     * @param separator what separates the expiry from the user id in a username
     * @param clock     the time that decides expiry
     */
    public RestApiCredentials(List<String> secrets, char separator, Clock clock) {
        this.secrets = List.copyOf(secrets);
        this.separator = separator;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The password of {@code username} under each configured secret; empty when expired or unparsable. */
    public List<String> passwords(String username) {
        return passwords(username, List.of());
    }

    /**
     * As {@link #passwords(String)}, with {@code moreSecrets} (those of the credential store, newest first) tried
     * after the configured ones.
     */
    public List<String> passwords(String username, List<String> moreSecrets) {
        long expiry = expiry(username, separator);
        if (expiry == NO_EXPIRY || hasPassed(expiry)) {
            return List.of();
        }
        List<String> passwords = new ArrayList<>(secrets.size() + moreSecrets.size());
        for (String secret : secrets) {
            passwords.add(password(secret, username));
        }
        for (String secret : moreSecrets) {
            passwords.add(password(secret, username));
        }
        return passwords;
    }

    /** The secret the password at {@code index} of {@link #passwords(String, List)} is made with. */
    public String secret(int index, List<String> moreSecrets) {
        return index < secrets.size() ? secrets.get(index) : moreSecrets.get(index - secrets.size());
    }

    /** Whether {@code username} starts with an expiry that has passed (a username without one is not expired). */
    public boolean isExpired(String username) {
        long expiry = expiry(username, separator);
        return expiry != NO_EXPIRY && hasPassed(expiry);
    }

    /** The draft's rule: credentials are good through their expiry second. */
    private boolean hasPassed(long expiry) {
        return expiry < clock.millis() / 1000;
    }

    /** base64(HMAC-SHA1(secret, username)): the password the REST service hands out with {@code username}. */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA1);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA1));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is required of every JDK", e);
        }
    }

    /** The username the REST service hands out: {@code expiry}, then {@code separator} and {@code user} if any. */
    public static String username(long expiryUnixSeconds, char separator, String user) {
        if (expiryUnixSeconds < 0) {
            throw new IllegalArgumentException("expiry must not be negative: " + expiryUnixSeconds);
        }
        return user == null || user.isEmpty()
                ? Long.toString(expiryUnixSeconds)
                : expiryUnixSeconds + String.valueOf(separator) + user;
    }

    /**
     * The expiry at the start of a username (up to the first separator, or all of it), or {@link #NO_EXPIRY}. Parsed
     * by hand: the username comes from the network, and a malformed one must cost no exception.
     */
    private static long expiry(String username, char separator) {
        int end = username.indexOf(separator);
        if (end < 0) {
            end = username.length();
        }
        if (end == 0 || end > MAX_EXPIRY_DIGITS) {
            return NO_EXPIRY;
        }
        long expiry = 0;
        for (int i = 0; i < end; i++) {
            char c = username.charAt(i);
            if (c < '0' || c > '9') {
                return NO_EXPIRY;
            }
            expiry = expiry * 10 + (c - '0');
        }
        return expiry;
    }
}
