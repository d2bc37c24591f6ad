package io.turnkit.server.auth;

import io.turnkit.server.auth.AuthResult.Outcome;
import io.turnkit.server.metrics.Metered;

/**
 * Why an authentication ended as it did: one counter each (stable names, for metrics and logs), finer than the
 * {@link Outcome} the client sees. Unknown users and wrong passwords look the same on the wire (401), so that the
 * answers do not reveal which usernames exist; only the counters tell them apart.
 */
public enum AuthEvent implements Metered {
    /** Integrity verified with a valid nonce: the request may proceed. */
    AUTHENTICATED("authenticated", Outcome.OK),
    /** No MESSAGE-INTEGRITY(-SHA256): the normal first request, answered with a 401 challenge (RFC 8489 §9.2.4). */
    CHALLENGED("challenged", Outcome.CHALLENGE),
    /** Integrity without USERNAME/USERHASH, REALM or NONCE, both USERNAME and USERHASH, or a malformed USERHASH. */
    MISSING_ATTRIBUTE("missing_attribute", Outcome.BAD_REQUEST),
    /** PASSWORD-ALGORITHM(S) failing the RFC 8489 §9.2.4 bid-down checks. */
    BAD_PASSWORD_ALGORITHM("bad_password_algorithm", Outcome.BAD_REQUEST),
    /** A nonce this server did not issue for this client address: answered 438 with a fresh one. */
    INVALID_NONCE("invalid_nonce", Outcome.STALE_NONCE),
    /** A nonce of ours that expired (checked after integrity, as RFC 8489 §9.2.4 orders). */
    STALE_NONCE("stale_nonce", Outcome.STALE_NONCE),
    /** No key for the user: unknown name or hash, another realm, or no key of the chosen password algorithm. */
    UNKNOWN_USER("unknown_user", Outcome.UNAUTHORIZED),
    /** A TURN REST API username whose expiry passed (or that has none); not counted as a guess. */
    EXPIRED_USERNAME("expired_username", Outcome.UNAUTHORIZED),
    /** The integrity did not verify with any key of the user: a wrong password. */
    BAD_INTEGRITY("bad_integrity", Outcome.UNAUTHORIZED),
    /**
     * Too many recent failures for this user from this source, or from this source in all ({@link AuthRateLimiter}):
     * answered with a 401 challenge, as {@link #UNKNOWN_USER}, without looking the user up or checking integrity.
     */
    RATE_LIMITED("rate_limited", Outcome.RATE_LIMITED);

    private final String tag;
    private final Outcome outcome;

    AuthEvent(String tag, Outcome outcome) {
        this.tag = tag;
        this.outcome = outcome;
    }

    /** The stable name used as a metric tag. */
    public String tag() {
        return tag;
    }

    @Override
    public String meterName() {
        return "turnkit.auth.results";
    }

    @Override
    public String[] tags() {
        return new String[] {"result", tag};
    }

    @Override
    public String description() {
        return "Authentications of TURN requests, by result: every result but authenticated and challenged "
                + "is a failure";
    }

    /** What the client is told. */
    public Outcome outcome() {
        return outcome;
    }

    /** Whether this failure counts toward the {@link AuthRateLimiter} limits: a refused credential. */
    boolean isGuess() {
        return this == UNKNOWN_USER || this == BAD_INTEGRITY;
    }
}
