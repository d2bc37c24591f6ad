package io.turnkit.ice.stun;

/** The transport a client reaches its STUN or TURN server over (RFC 7065's {@code ?transport=} values). */
public enum TransportProtocol {
    UDP,
    TCP;

    /** The name as URIs and people write it: {@code udp}, {@code tcp}. */
    @Override
    public String toString() {
        return this == UDP ? "udp" : "tcp";
    }
}
