/**
 * The sans-I/O ICE agent (RFC 8445, RFC 8838 trickle, RFC 7675 consent): {@link io.turnkit.ice.agent.IceAgent}
 * and its small vocabulary of candidates, sockets, events and transmits. The caller owns the thread, the sockets and
 * the clock.
 */
package io.turnkit.ice.agent;
