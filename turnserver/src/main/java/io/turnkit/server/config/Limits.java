package io.turnkit.server.config;

import java.time.Duration;

/**
 * How much a client or the whole server may hold, and for how long: allocation quotas, the lifetimes of
 * allocations, permissions and channels, and the guards against clients that hold connections or handshakes
 * without using them.
 *
 * @param userQuota            {@code user-quota}: allocations one user may hold at once; 0 for no limit
 * @param totalQuota           {@code total-quota}: allocations the server holds at once; 0 for no limit
 * @param maxAllocateLifetime  {@code max-allocate-lifetime}: the longest lifetime a client may ask for an
 *                             allocation
 * @param permissionLifetime   {@code permission-lifetime}: 300 s per RFC 8656 §9; changing it is for tests
 * @param channelLifetime      {@code channel-lifetime}: 600 s per RFC 8656 §12; changing it is for tests
 * @param maxTcpConnections    {@code max-tcp-connections}: TCP and TLS connections accepted at once before more are
 *                             closed as they come
 * @param tcpIdleTimeout       {@code tcp-idle-timeout}: a TCP client stalled mid-frame is closed after this long;
 *                             one that never allocates, after a few times this (the TCP client link says how many)
 * @param maxDtlsHandshakes    DTLS handshakes past their cookie under way at once before more are dropped
 * @param dtlsHandshakeTimeout a DTLS handshake not finished after this long is dropped
 */
public record Limits(int userQuota, int totalQuota, Duration maxAllocateLifetime, Duration permissionLifetime,
        Duration channelLifetime, int maxTcpConnections, Duration tcpIdleTimeout, int maxDtlsHandshakes,
        Duration dtlsHandshakeTimeout) {
    /** coturn's cap on the lifetime a client may ask for an allocation (RFC 8656 §7.2 lets the server pick). */
    public static final Duration DEFAULT_MAX_ALLOCATE_LIFETIME = Duration.ofSeconds(3600);
    /** RFC 8656 §9: a permission lasts 300 s. */
    public static final Duration DEFAULT_PERMISSION_LIFETIME = Duration.ofSeconds(300);
    /** RFC 8656 §12: a channel binding lasts 600 s. */
    public static final Duration DEFAULT_CHANNEL_LIFETIME = Duration.ofSeconds(600);
    /** Far above what a server's clients hold, far below the file descriptors a flood would take. */
    public static final int DEFAULT_MAX_TCP_CONNECTIONS = 10_000;
    /** A client sends a frame's bytes back to back; 10 s mid-frame is a stall, not a slow network. */
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** More than a server sees at once but in a flood of real (cookie-checked) clients. */
    public static final int DEFAULT_MAX_DTLS_HANDSHAKES = 128;
    /** bctls retransmits a lost flight after 1, 2 and 4 s (RFC 6347 §4.2.4.1), all within 10 s. */
    public static final Duration DEFAULT_DTLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public Limits {
        Check.notNegative("user-quota", userQuota, "a number of allocations");
        Check.notNegative("total-quota", totalQuota, "a number of allocations");
        Check.seconds("max-allocate-lifetime", maxAllocateLifetime);
        Check.seconds("permission-lifetime", permissionLifetime);
        Check.seconds("channel-lifetime", channelLifetime);
        Check.positive("max-tcp-connections", maxTcpConnections, "a number of connections");
        Check.seconds("tcp-idle-timeout", tcpIdleTimeout);
        Check.positive("max-dtls-handshakes", maxDtlsHandshakes, "a number of handshakes");
        Check.seconds("dtls-handshake-timeout", dtlsHandshakeTimeout);
    }

    /** Collects the limits; {@link #build()} checks them. */
    public static final class Builder {
        private int userQuota;
        private int totalQuota;
        private Duration maxAllocateLifetime = DEFAULT_MAX_ALLOCATE_LIFETIME;
        private Duration permissionLifetime = DEFAULT_PERMISSION_LIFETIME;
        private Duration channelLifetime = DEFAULT_CHANNEL_LIFETIME;
        private int maxTcpConnections = DEFAULT_MAX_TCP_CONNECTIONS;
        private Duration tcpIdleTimeout = DEFAULT_TCP_IDLE_TIMEOUT;
        private int maxDtlsHandshakes = DEFAULT_MAX_DTLS_HANDSHAKES;
        private Duration dtlsHandshakeTimeout = DEFAULT_DTLS_HANDSHAKE_TIMEOUT;

        Builder() {
        }

        public Builder userQuota(int allocations) {
            userQuota = allocations;
            return this;
        }

        public Builder totalQuota(int allocations) {
            totalQuota = allocations;
            return this;
        }

        public Builder maxAllocateLifetime(Duration lifetime) {
            maxAllocateLifetime = lifetime;
            return this;
        }

        public Builder permissionLifetime(Duration lifetime) {
            permissionLifetime = lifetime;
            return this;
        }

        public Builder channelLifetime(Duration lifetime) {
            channelLifetime = lifetime;
            return this;
        }

        public Builder maxTcpConnections(int connections) {
            maxTcpConnections = connections;
            return this;
        }

        public Builder tcpIdleTimeout(Duration timeout) {
            tcpIdleTimeout = timeout;
            return this;
        }

        public Builder maxDtlsHandshakes(int handshakes) {
            maxDtlsHandshakes = handshakes;
            return this;
        }

        public Builder dtlsHandshakeTimeout(Duration timeout) {
            dtlsHandshakeTimeout = timeout;
            return this;
        }

        public Limits build() {
            return new Limits(userQuota, totalQuota, maxAllocateLifetime, permissionLifetime, channelLifetime,
                    maxTcpConnections, tcpIdleTimeout, maxDtlsHandshakes, dtlsHandshakeTimeout);
        }
    }
}
