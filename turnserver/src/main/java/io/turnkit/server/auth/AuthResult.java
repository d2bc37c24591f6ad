package io.turnkit.server.auth;

import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessageEncoder;

/**
 * The verdict on one request's credentials (RFC 8489 §9.2.4), and what its response must carry. Immutable.
 *
 * <p>A request handler writes the response header and, for an error, {@code addErrorCode(errorCode(), reason())};
 * then {@link #writeChallenge} (REALM, a fresh NONCE and PASSWORD-ALGORITHMS, for 401 and 438); then its own
 * attributes; then {@link #writeIntegrity} just before FINGERPRINT, for every response to a request whose
 * integrity verified — success or error alike (§9.2.4, last paragraph).
 */
public final class AuthResult {
    /** What the client is told. */
    public enum Outcome {
        /** Authenticated: process the request; integrity-protect every response. */
        OK(0),
        /** No integrity in the request: 401 with REALM, NONCE and PASSWORD-ALGORITHMS. */
        CHALLENGE(StunErrorCode.UNAUTHENTICATED),
        /** Unknown user or wrong password: 401 with REALM, a fresh NONCE and PASSWORD-ALGORITHMS. */
        UNAUTHORIZED(StunErrorCode.UNAUTHENTICATED),
        /** A nonce that is expired or not ours: 438 with REALM, a fresh NONCE and PASSWORD-ALGORITHMS. */
        STALE_NONCE(StunErrorCode.STALE_NONCE),
        /** A malformed credential: 400 without REALM, NONCE or integrity (RFC 8489 §9.2.4). */
        BAD_REQUEST(StunErrorCode.BAD_REQUEST),
        /**
         * Too many recent failures for this user or this source: 401 with REALM, a fresh NONCE and
         * PASSWORD-ALGORITHMS, like a wrong password, so that the client stops instead of retransmitting.
         */
        RATE_LIMITED(StunErrorCode.UNAUTHENTICATED);

        private final int errorCode;

        Outcome(int errorCode) {
            this.errorCode = errorCode;
        }
    }

    private static final int[] NO_ALGORITHMS = {};

    private final AuthEvent event;
    private final String username;
    private final String realm;
    private final String nonce;
    private final int[] passwordAlgorithms;
    private final byte[] key;
    private final int integrityType;
    private final String restApiSecret;

    private AuthResult(AuthEvent event, String username, String realm, String nonce, int[] passwordAlgorithms,
            byte[] key, int integrityType, String restApiSecret) {
        this.event = event;
        this.username = username;
        this.realm = realm;
        this.nonce = nonce;
        this.passwordAlgorithms = passwordAlgorithms;
        this.key = key;
        this.integrityType = integrityType;
        this.restApiSecret = restApiSecret;
    }

    /** An outcome with nothing to add to the response: a 400. */
    static AuthResult refused(AuthEvent event) {
        return new AuthResult(event, null, null, null, NO_ALGORITHMS, null, 0, null);
    }

    /** A 401 or 438 carrying a challenge; {@code key} is null unless the request's integrity verified. */
    static AuthResult challenge(AuthEvent event, String realm, String nonce, int[] passwordAlgorithms,
            String username, byte[] key, int integrityType) {
        return new AuthResult(event, username, realm, nonce, passwordAlgorithms, key, integrityType, null);
    }

    /**
     * Authenticated with {@code key}, verified in an integrity attribute of {@code integrityType}; with the TURN
     * REST API secret the key comes from, or null for a user's own key.
     */
    static AuthResult authenticated(String username, byte[] key, int integrityType, String restApiSecret) {
        return new AuthResult(AuthEvent.AUTHENTICATED, username, null, null, NO_ALGORITHMS, key, integrityType,
                restApiSecret);
    }

    public Outcome outcome() {
        return event.outcome();
    }

    /** Why, in more detail than the outcome; never sent to the client. */
    public AuthEvent event() {
        return event;
    }

    /** Whether the request may be processed. */
    public boolean isAuthenticated() {
        return event == AuthEvent.AUTHENTICATED;
    }

    /** The ERROR-CODE to answer with: 400, 401 or 438; 0 when authenticated. */
    public int errorCode() {
        return event.outcome().errorCode;
    }

    /** The reason phrase of {@link #errorCode()}, or null when it is 0. */
    public String reason() {
        int code = errorCode();
        return code == 0 ? null : StunErrorCode.reason(code);
    }

    /**
     * The username the request authenticated as — from USERNAME, or the stored user a USERHASH named — for the
     * allocation to remember (RFC 8656 §7.2: later requests must use the same one); null unless integrity verified.
     */
    public String username() {
        return username;
    }

    /**
     * The TURN REST API secret that signed the credential (the one its password is the HMAC under), or null for a
     * user's own key: an allocation remembers it, so that deleting the secret closes the allocations it let in.
     */
    public String restApiSecret() {
        return restApiSecret;
    }

    /**
     * Adds REALM, the fresh NONCE and, when algorithms are offered, PASSWORD-ALGORITHMS (RFC 8489 §9.2.4: required
     * in 401 and 438 responses; without it a client that sees the "Password algorithms" bit gives up, §9.2.5).
     * Writes nothing for outcomes without a challenge.
     */
    public void writeChallenge(StunMessageEncoder response) {
        if (nonce == null) {
            return;
        }
        response.addString(StunAttributeType.REALM, realm).addString(StunAttributeType.NONCE, nonce);
        if (passwordAlgorithms.length > 0) {
            response.addPasswordAlgorithms(passwordAlgorithms);
        }
    }

    /**
     * Adds the integrity attribute of the type the request used — MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 —
     * computed with the key that verified it; call it after every other attribute except FINGERPRINT. Writes
     * nothing when the request's integrity did not verify (400, 401 and an invalid nonce): there is no key to use.
     *
     * <p>RFC 8489 §9.2.4 asks for MESSAGE-INTEGRITY-SHA256 whenever a PASSWORD-ALGORITHM was negotiated, yet also
     * (§9.2.3.2) lets the client pick either attribute; answering with the one the client sent is what every client
     * can verify, and is what the RFC prescribes in the common cases (SHA-256 clients send
     * MESSAGE-INTEGRITY-SHA256, legacy clients MESSAGE-INTEGRITY).
     */
    public void writeIntegrity(StunMessageEncoder response) {
        if (key == null) {
            return;
        }
        if (integrityType == StunAttributeType.MESSAGE_INTEGRITY_SHA256) {
            response.addMessageIntegritySha256(key);
        } else {
            response.addMessageIntegrity(key);
        }
    }

    @Override
    public String toString() {
        return "AuthResult[" + event + (username == null ? "" : ", username=" + username) + "]";
    }
}
