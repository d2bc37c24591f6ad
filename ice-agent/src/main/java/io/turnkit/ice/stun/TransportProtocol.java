package io.turnkit.ice.stun;

import java.util.Locale;

/**
 * The transport a client reaches its STUN or TURN server over (RFC 7065's {@code ?transport=} values, and TLS over
 * TCP for {@code turns:}).
 */
public enum TransportProtocol {
    UDP,
    TCP,
    TLS;

    /** RFC 8489 §6.2.2: over a stream (TCP, TLS) requests are not retransmitted, and frames need framing. */
    public boolean isStream() {
        return this != UDP;
    }

    /** The name as URIs and people write it: {@code udp}, {@code tcp}, {@code tls}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
