package io.turnkit.server.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.Counters;
import io.turnkit.store.credential.CredentialStore;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.LongTermKey;
import io.turnkit.stun.MessageIntegrity;
import io.turnkit.stun.MessageIntegritySha256;
import io.turnkit.stun.PasswordAlgorithm;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.UserHash;

/**
 * The long-term credential mechanism on the server side (RFC 8489 §9.2.4, as TURN uses it, RFC 8656 §7.2): decides
 * whether a validated request is authenticated, before any state changes. The checks, in the RFC's order:
 *
 * <ol>
 *   <li>no MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 → 401 challenge: REALM, a new NONCE and
 *       PASSWORD-ALGORITHMS;</li>
 *   <li>integrity, but no USERNAME or USERHASH, no REALM or no NONCE → 400, nothing else;</li>
 *   <li>when the nonce cookie has the "Password algorithms" bit: neither PASSWORD-ALGORITHMS nor
 *       PASSWORD-ALGORITHM → MD5; else PASSWORD-ALGORITHM must be present and one of those offered, and
 *       PASSWORD-ALGORITHMS, when present, must repeat the offered list exactly → else 400;</li>
 *   <li>no key for the USERNAME / USERHASH (unknown user, other realm, expired REST API username, no key of the
 *       chosen algorithm) → 401 with a new challenge;</li>
 *   <li>integrity that does not verify with the key → 401 with a new challenge;</li>
 *   <li>a nonce of ours that expired → 438 with a new nonce, integrity-protected since the key is known.</li>
 * </ol>
 *
 * Four refinements, each for a reason:
 * <ul>
 *   <li>Between steps 2 and 3, not in the RFC: too many recent failures for this USERNAME / USERHASH from this
 *       source, or from this source in all ({@link AuthRateLimiter}) → 401 with a new challenge, as at steps 4
 *       and 5. It comes as soon as the claimed user is known, so a blocked request costs no store lookup and no
 *       integrity check, and its answer says nothing about the password. It is answered, not dropped: a client
 *       that gets no answer retransmits until it times out, one that gets a 401 can stop and tell its user.</li>
 *   <li>A nonce that is not ours at all (forged, altered, issued to another address) is answered 438 at step 3,
 *       not step 6: it can never become valid, checking its tag is cheaper than a store lookup and an HMAC over the
 *       message, and step 3 may only trust the nonce's feature bits once the tag vouches for them (§9.2.1).</li>
 *   <li>PASSWORD-ALGORITHM without PASSWORD-ALGORITHMS is accepted when the algorithm is offered: §9.2.3.2 tells
 *       clients to send only PASSWORD-ALGORITHM in requests after the first success, with the same nonce.</li>
 *   <li>USERNAME and USERHASH together → 400: a client sends one or the other (§9.2.5), never both.</li>
 * </ul>
 * Refused credentials (steps 4 and 5, except expired REST API usernames) count toward the {@link AuthRateLimiter}
 * limits of the claimed user and of the source. Every outcome is counted by {@link AuthEvent}. Thread-safe: one
 * instance can serve every event loop.
 */
public final class Authenticator {
    private final AuthSettings settings;
    private final CredentialStore store;
    private final NonceService nonces;
    private final AuthRateLimiter limiter;
    private final Clock clock;
    /** Replaced whole when a reload brings other static secrets; each request reads it once. */
    private volatile RestApiCredentials restApi;
    private final byte[] realmUtf8;
    private final int[] offeredAlgorithms;
    private final int securityFeatures;
    private final Counters<AuthEvent> counts = new Counters<>(AuthEvent.class);

    public Authenticator(AuthSettings settings, CredentialStore store, NonceService nonces, AuthRateLimiter limiter,
            Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.restApi = new RestApiCredentials(settings.staticSecrets(), settings.restApiSeparator(), clock);
        this.realmUtf8 = settings.realm().getBytes(StandardCharsets.UTF_8);
        this.offeredAlgorithms = settings.passwordAlgorithms().stream().mapToInt(Integer::intValue).toArray();
        this.securityFeatures = settings.securityFeatures();
    }

    /**
     * Authenticates a request that passed {@link StunMessage#validate()}; {@code client} is its source address.
     * Never throws on hostile input.
     */
    public AuthResult authenticate(StunMessage request, InetSocketAddress client) {
        AuthResult result = decide(request, client);
        counts.increment(result.event());
        return result;
    }

    /**
     * From the next request on, REST API credentials are checked against {@code staticSecrets} (a reload that
     * rotates them), then the store's.
     */
    public void staticSecrets(List<String> staticSecrets) {
        restApi = new RestApiCredentials(staticSecrets, settings.restApiSeparator(), clock);
    }

    /** How many authentications ended with {@code event} so far. */
    public long count(AuthEvent event) {
        return counts.get(event);
    }

    private AuthResult decide(StunMessage request, InetSocketAddress client) {
        // RFC 8489 §9.2.4: MESSAGE-INTEGRITY-SHA256 is the one checked when both are present.
        int integritySha256 = request.findAttribute(StunAttributeType.MESSAGE_INTEGRITY_SHA256);
        int integrityType = integritySha256 >= 0
                ? StunAttributeType.MESSAGE_INTEGRITY_SHA256 : StunAttributeType.MESSAGE_INTEGRITY;
        if (integritySha256 < 0 && request.findAttribute(StunAttributeType.MESSAGE_INTEGRITY) < 0) {
            return challenge(AuthEvent.CHALLENGED, client);
        }
        int username = request.findAttribute(StunAttributeType.USERNAME);
        int userHash = request.findAttribute(StunAttributeType.USERHASH);
        int realm = request.findAttribute(StunAttributeType.REALM);
        int nonce = request.findAttribute(StunAttributeType.NONCE);
        if ((username < 0) == (userHash < 0) || realm < 0 || nonce < 0
                || userHash >= 0 && !StunAttributes.hasValidLength(request, userHash)) {
            return AuthResult.refused(AuthEvent.MISSING_ATTRIBUTE);
        }
        InetAddress source = client.getAddress();
        ClaimedUser claimed = ClaimedUser.of(request, username >= 0 ? username : userHash);
        long now = nanos(clock.instant());
        if (!limiter.allowed(source, claimed, now)) {
            return challenge(AuthEvent.RATE_LIMITED, client);
        }
        ByteBuf buffer = request.buffer();
        int nonceOffset = StunAttributes.valueOffset(nonce);
        int nonceLength = StunAttributes.valueLength(request, nonce);
        NonceService.Check freshness = nonces.check(buffer, nonceOffset, nonceLength, client);
        if (freshness == NonceService.Check.INVALID) {
            return challenge(AuthEvent.INVALID_NONCE, client);
        }
        int algorithm = passwordAlgorithm(request, NonceService.securityFeatures(buffer, nonceOffset, nonceLength));
        if (algorithm < 0) {
            return AuthResult.refused(AuthEvent.BAD_PASSWORD_ALGORITHM);
        }

        // Another realm has no users here; the 401 tells the client ours.
        boolean ourRealm = StunAttributes.stringEquals(request, realm, realmUtf8);
        UserKeys user = ourRealm && settings.usesStoredUsers() ? storedUser(request, username, userHash) : null;
        String name = user != null ? user.username()
                : ourRealm && username >= 0 ? StunAttributes.string(request, username) : null;
        byte[] key = user == null ? null : algorithm == PasswordAlgorithm.SHA256 ? user.sha256Key() : user.md5Key();
        boolean hadKey = key != null;
        if (key != null && !verifies(request, integrityType, key)) {
            key = null;
        }
        // A REST API username is never anonymous: it carries its own expiry, which a USERHASH would hide.
        boolean restApiUser = name != null && userHash < 0 && settings.usesRestApi();
        RestApiCredentials restApi = this.restApi;
        String restApiSecret = null;
        if (key == null && restApiUser) {
            List<String> storedSecrets = store.secrets(settings.realm());
            List<String> passwords = restApi.passwords(name, storedSecrets);
            for (int i = 0; i < passwords.size(); i++) {
                hadKey = true;
                byte[] candidate = LongTermKey.derive(algorithm, name, settings.realm(), passwords.get(i));
                if (verifies(request, integrityType, candidate)) {
                    key = candidate;
                    restApiSecret = restApi.secret(i, storedSecrets);
                    break;
                }
            }
        }
        if (key == null) {
            AuthEvent refusal = hadKey ? AuthEvent.BAD_INTEGRITY
                    : restApiUser && user == null && restApi.isExpired(name) ? AuthEvent.EXPIRED_USERNAME
                    : AuthEvent.UNKNOWN_USER;
            if (refusal.isGuess()) {
                limiter.failed(source, claimed, now);
            }
            return challenge(refusal, client);
        }
        if (freshness == NonceService.Check.STALE) {
            return AuthResult.challenge(AuthEvent.STALE_NONCE, settings.realm(),
                    nonces.issue(client, securityFeatures), offeredAlgorithms, name, key, integrityType);
        }
        return AuthResult.authenticated(name, key, integrityType, restApiSecret);
    }

    /** The stored user named by USERNAME or USERHASH, or null. */
    private UserKeys storedUser(StunMessage request, int username, int userHash) {
        if (userHash >= 0) {
            byte[] hash = new byte[UserHash.LENGTH];
            StunAttributes.copyValue(request, userHash, hash);
            return store.userByHash(settings.realm(), hash).orElse(null);
        }
        return store.user(settings.realm(), StunAttributes.string(request, username)).orElse(null);
    }

    /**
     * The password algorithm of the key (RFC 8489 §9.2.4, third check), or -1 when the request must get a 400.
     * {@code features} are those of the request's nonce, already known to be ours.
     */
    private int passwordAlgorithm(StunMessage request, int features) {
        if ((features & NonceService.FEATURE_PASSWORD_ALGORITHMS) == 0) {
            return PasswordAlgorithm.MD5;
        }
        int algorithms = request.findAttribute(StunAttributeType.PASSWORD_ALGORITHMS);
        int algorithm = request.findAttribute(StunAttributeType.PASSWORD_ALGORITHM);
        if (algorithms < 0 && algorithm < 0) {
            return PasswordAlgorithm.MD5;
        }
        if (algorithm < 0 || !StunAttributes.hasValidLength(request, algorithm)) {
            return -1;
        }
        // The bid-down check: the list must be the one our 401 sent, which an attacker may have edited in transit.
        if (algorithms >= 0 && !StunAttributes.passwordAlgorithmsEqual(request, algorithms, offeredAlgorithms)) {
            return -1;
        }
        int chosen = StunAttributes.passwordAlgorithm(request, algorithm);
        for (int offered : offeredAlgorithms) {
            if (offered == chosen) {
                return chosen;
            }
        }
        return -1;
    }

    private AuthResult challenge(AuthEvent event, InetSocketAddress client) {
        return AuthResult.challenge(event, settings.realm(), nonces.issue(client, securityFeatures),
                offeredAlgorithms, null, null, 0);
    }

    private static boolean verifies(StunMessage request, int integrityType, byte[] key) {
        return integrityType == StunAttributeType.MESSAGE_INTEGRITY_SHA256
                ? MessageIntegritySha256.check(request, key)
                : MessageIntegrity.check(request, key);
    }

    /** Time for the rate limiter, from the same clock as everything else so that one fake clock drives a test. */
    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
