/**
 * Request handling (RFC 8489, RFC 8656): the first-byte demux of a frame, STUN requests and indications and
 * ChannelData, and the responses. It meets the rest of the server through {@link
 * io.turnkit.server.protocol.TurnServices} (settings, {@code auth}, {@code policy}, {@code relay}, {@code
 * metrics}) and the {@link io.turnkit.server.link.ClientLink} it serves.
 */
package io.turnkit.server.protocol;
