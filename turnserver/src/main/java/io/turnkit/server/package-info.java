/**
 * The TURN server (RFC 8656): {@link io.turnkit.server.TurnServer} binds the listeners the configuration asks
 * for and wires the packages below together. Packages by concern: {@code transport} (sockets, buffers,
 * framing), {@code link} (one client transport), {@code protocol} (request handling), {@code relay} (relay
 * sockets and the way back to the client), beside {@code auth}, {@code policy}, {@code config} and
 * {@code metrics}. This package may use them all; none of them uses it.
 */
package io.turnkit.server;
