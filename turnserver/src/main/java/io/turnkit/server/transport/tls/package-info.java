/**
 * TURN over TLS (RFC 8656 §3.1): the server's certificate and key from PEM files, or a self-signed one made at
 * start, reloaded for new connections when the files change ({@link
 * io.turnkit.server.transport.tls.ServerCertificate}); and the first handler of every TCP connection, which tells
 * TLS from plain STUN and ChannelData by the first bytes ({@link
 * io.turnkit.server.transport.tls.StreamDemultiplexer}, through the codec's {@code ProtocolDetector}). TLS only
 * wraps the stream: the framing, links and relays behind it are the ones TCP uses. Uses {@code config}, {@code
 * metrics}, the codec, Netty and BouncyCastle; knows nothing of TURN state.
 */
package io.turnkit.server.transport.tls;
