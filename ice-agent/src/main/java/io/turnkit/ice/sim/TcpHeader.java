package io.turnkit.ice.sim;

/**
 * What a {@link Datagram} carrying a TCP segment says besides its addresses: whether it opens the connection
 * (RFC 9293 §3.5: SYN, then SYN-ACK) or carries data, and its place in its direction's flow. Segments are numbered
 * one by one, not byte by byte as RFC 9293 §3.4 numbers them: the number only puts segments that overtook each
 * other back in order, and the opening segment is number 0 of its direction.
 *
 * @param kind           what the segment does
 * @param sequenceNumber its place in its direction of the connection, from 0
 */
public record TcpHeader(Kind kind, long sequenceNumber) {
    /** What a segment does. */
    public enum Kind {
        /** The first segment from the side that connects. */
        SYN,
        /** The answer of the side that accepts: the connection is established. */
        SYN_ACK,
        /** Bytes of the stream. */
        DATA
    }
}
