package io.turnkit.ice.turn;

import java.net.InetSocketAddress;

/**
 * A frame a {@link TurnSession} wants sent: one datagram over UDP, or bytes to write on the connection over TCP and
 * TLS (already framed: STUN messages carry their length, ChannelData is padded to 4 bytes, RFC 8656 §12.5).
 *
 * @param destination the TURN server
 * @param bytes       the frame, the driver's to keep
 */
public record Transmit(InetSocketAddress destination, byte[] bytes) {
}
