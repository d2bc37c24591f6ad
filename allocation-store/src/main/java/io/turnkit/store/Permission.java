package io.turnkit.store;

/**
 * A permission (RFC 8656 §9): the IP address it is for is its key in the allocation's table; this
 * holds only its time-to-expiry, mutable so that a refresh does not allocate.
 */
final class Permission {
    long expiresAtNanos;

    Permission(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }

    boolean isExpired(long nowNanos) {
        return Deadlines.passed(expiresAtNanos, nowNanos);
    }
}
