package io.turnkit.stun;

/** What {@link ProtocolDetector} found at the start of a datagram or stream. */
public enum DetectedProtocol {
    STUN,
    CHANNEL_DATA,
    DTLS,
    /** A TLS ClientHello at the start of a stream (TURN over TLS on a shared port). */
    TLS,
    ZRTP,
    RTP,
    OTHER,
    NEED_MORE_DATA
}
