/**
 * A blocking TURN client (RFC 8656) over {@link io.turnkit.ice.stun.StunClient}: the long-term credential mechanism
 * (RFC 8489 §9.2), Allocate, Refresh, CreatePermission, ChannelBind, and data to and from peers.
 */
package io.turnkit.ice.turn;
