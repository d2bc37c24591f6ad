package io.turnkit.server.auth;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import io.turnkit.stun.OpaqueString;
import io.turnkit.stun.PasswordAlgorithm;

/**
 * How the server authenticates TURN requests with the long-term credential mechanism (RFC 8489 §9.2, RFC 8656
 * §7.2).
 *
 * <p>About the password algorithms: they are offered in the 401 challenge, before the server knows who asks, so the
 * list is the same for every user. A client that supports RFC 8489 takes the first one it knows; a user whose keys
 * lack that algorithm (typically MD5-only keys imported from coturn) is then refused with 401, like an unknown user,
 * since no key exists to check the request with. Deployments with MD5-only users should offer {@code [MD5]} only,
 * or re-add those users with their password so that both keys exist. Clients that predate RFC 8489 (most WebRTC
 * stacks) ignore the list and use MD5 keys either way.
 *
 * @param realm              the REALM (RFC 8489 §14.9), RECOMMENDED to be the provider's domain name
 * @param mode               where credentials come from
 * @param restApiSeparator   separator between expiry and user id in REST API usernames ({@code --rest-api-separator})
 * @param passwordAlgorithms PASSWORD-ALGORITHMS offered, most preferred first; empty to offer none, as an RFC 5389
 *                           server would (then every key is MD5)
 * @param staticSecrets      REST API secrets from the configuration ({@code --static-auth-secret}), tried before
 *                           those of the credential store
 * @param usernameAnonymity  whether nonces announce "Username anonymity" (RFC 8489 §9.2.4), which obliges RFC 8489
 *                           clients to send USERHASH instead of USERNAME; only with {@link Mode#LONG_TERM}, since a
 *                           REST API username cannot be recovered from its hash
 */
public record AuthSettings(String realm, Mode mode, char restApiSeparator, List<Integer> passwordAlgorithms,
        List<String> staticSecrets, boolean usernameAnonymity) {

    /** Where credentials come from. */
    public enum Mode {
        /** Users of the credential store ({@code --user}, {@code --userdb}). */
        LONG_TERM,
        /** TURN REST API usernames, checked against the static and the stored secrets ({@code --use-auth-secret}). */
        REST_API,
        /** Either: a stored user first, then the REST API secrets. */
        BOTH
    }

    /** SHA-256 first (RFC 8489 §18.5.1.2), then MD5 for clients and keys that only know it. */
    public static final List<Integer> DEFAULT_PASSWORD_ALGORITHMS =
            List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5);

    public AuthSettings {
        if (realm == null || !realm.equals(OpaqueString.prepare(realm))) {
            // RFC 8489 §9.2.2: keys hash OpaqueString(realm); a realm that changes under it would confuse clients.
            throw new IllegalArgumentException("realm must be a prepared OpaqueString (RFC 8265 §4.2): " + realm);
        }
        Objects.requireNonNull(mode, "mode");
        passwordAlgorithms = List.copyOf(passwordAlgorithms);
        staticSecrets = List.copyOf(staticSecrets);
        for (int algorithm : passwordAlgorithms) {
            if (!PasswordAlgorithm.isSupported(algorithm)) {
                throw new IllegalArgumentException("unsupported password algorithm "
                        + PasswordAlgorithm.name(algorithm));
            }
        }
        if (new HashSet<>(passwordAlgorithms).size() != passwordAlgorithms.size()) {
            throw new IllegalArgumentException("password algorithms listed twice: " + passwordAlgorithms);
        }
        if (usernameAnonymity && mode != Mode.LONG_TERM) {
            throw new IllegalArgumentException("username anonymity needs stored users only: a REST API username "
                    + "cannot be found from its USERHASH");
        }
        if (staticSecrets.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a REST API secret must not be empty");
        }
    }

    /** Stored users, default password algorithms, no anonymity. */
    public static AuthSettings longTerm(String realm) {
        return new AuthSettings(realm, Mode.LONG_TERM, RestApiCredentials.DEFAULT_SEPARATOR,
                DEFAULT_PASSWORD_ALGORITHMS, List.of(), false);
    }

    /** TURN REST API credentials with these static secrets (the store's secrets are accepted as well). */
    public static AuthSettings restApi(String realm, List<String> staticSecrets) {
        return new AuthSettings(realm, Mode.REST_API, RestApiCredentials.DEFAULT_SEPARATOR,
                DEFAULT_PASSWORD_ALGORITHMS, staticSecrets, false);
    }

    /** The same settings with other password algorithms offered. */
    public AuthSettings withPasswordAlgorithms(List<Integer> algorithms) {
        return new AuthSettings(realm, mode, restApiSeparator, algorithms, staticSecrets, usernameAnonymity);
    }

    /** The same settings with username anonymity announced or not. */
    public AuthSettings withUsernameAnonymity(boolean anonymity) {
        return new AuthSettings(realm, mode, restApiSeparator, passwordAlgorithms, staticSecrets, anonymity);
    }

    /** Whether users of the credential store are accepted. */
    public boolean usesStoredUsers() {
        return mode != Mode.REST_API;
    }

    /** Whether TURN REST API usernames are accepted. */
    public boolean usesRestApi() {
        return mode != Mode.LONG_TERM;
    }

    /** The 24-bit STUN security features the nonce cookie announces (RFC 8489 §9.2.1, §18.1). */
    public int securityFeatures() {
        return (passwordAlgorithms.isEmpty() ? 0 : NonceService.FEATURE_PASSWORD_ALGORITHMS)
                | (usernameAnonymity ? NonceService.FEATURE_USERNAME_ANONYMITY : 0);
    }
}
