/**
 * TURN over DTLS (RFC 8656 §3.1, DTLS 1.2 of RFC 6347) with BouncyCastle's bctls: stateless cookies for every
 * ClientHello (RFC 6347 §4.2.1), handshakes bounded in number and time, run off the event loops ({@link
 * io.turnkit.server.transport.dtls.DtlsHandshakes}), and the established sessions' records protected by the server
 * itself on the listening socket's event loop, from the keys the handshake agreed ({@link
 * io.turnkit.server.transport.dtls.DtlsSession}, RFC 5246 §6.2.3.3, RFC 5288). Served
 * with the TLS certificate of {@code transport.tls}. Uses {@code transport}, {@code metrics} and bctls; knows
 * nothing of TURN state: the {@code link} package makes each session a client link.
 */
package io.turnkit.server.transport.dtls;
