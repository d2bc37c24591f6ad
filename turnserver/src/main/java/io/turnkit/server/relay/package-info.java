/**
 * Relaying (RFC 8656 §11, §12): allocations as the server runs them, their relay sockets, the path of a peer's
 * datagram back to the client, --max-bps, hairpinning within an event loop, and the ports, reservations and
 * quotas allocations take. Uses {@code transport}, {@code metrics}, {@code policy} (the peers of a TCP relay),
 * {@code config} (address families, external addresses), the allocation store, and a {@link
 * io.turnkit.server.link.ClientLink} to send to the client.
 */
package io.turnkit.server.relay;
