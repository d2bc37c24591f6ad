/**
 * TURN clients (RFC 8656) with the long-term credential mechanism (RFC 8489 §9.2):
 * {@link io.turnkit.ice.turn.TurnSession}, sans-I/O, for the ICE agent and any event-loop driver, over UDP, TCP and TLS; and the blocking
 * {@link io.turnkit.ice.turn.TurnClient} over {@link io.turnkit.ice.stun.StunClient}: Allocate, Refresh,
 * CreatePermission, ChannelBind, and data to and from peers.
 */
package io.turnkit.ice.turn;
