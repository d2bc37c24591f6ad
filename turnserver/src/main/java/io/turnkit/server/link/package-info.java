/**
 * Client links: the server side of one client transport, a UDP listening socket shared by many 5-tuples, one
 * TCP connection, or one DTLS session over a UDP listening socket (RFC 8656 §2, §3.1). A link owns the
 * allocations made through it, hands each frame to its {@code protocol} instance, and sends what a read batch
 * queued at the batch's end. Uses {@code transport}, {@code protocol}, {@code relay} and {@code metrics};
 * {@code relay} and {@code protocol} see a link only as {@link io.turnkit.server.link.ClientLink}.
 */
package io.turnkit.server.link;
