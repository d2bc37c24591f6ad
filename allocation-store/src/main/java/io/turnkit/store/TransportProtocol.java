package io.turnkit.store;

/**
 * The transport protocol between the client and the server, the fifth element of a 5-tuple
 * (RFC 8656 §2). DTLS and TLS count as their own protocols: a DTLS session and a plain UDP flow
 * between the same two transport addresses are different 5-tuples.
 */
public enum TransportProtocol {
    UDP,
    TCP,
    TLS,
    DTLS
}
