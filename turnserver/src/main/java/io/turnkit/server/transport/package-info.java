/**
 * Sockets and what lies on them: the UDP socket as the packet path uses it ({@link
 * io.turnkit.server.transport.UdpSocket}, on Netty's channels or the native one), the receive buffers with
 * room for a ChannelData header, GSO bursts of sends, and the framing of TCP streams (RFC 8656 §12.5). The
 * choice of epoll or NIO is made once, in {@link io.turnkit.server.transport.Transports}. TLS and the TLS/plain
 * demux of TCP connections are in {@code transport.tls}, PROXY protocol headers in {@code transport.proxy}. Uses
 * {@code metrics}, the codec and Netty; knows nothing of TURN state.
 */
package io.turnkit.server.transport;
