/**
 * A blocking STUN client (RFC 8489): transports over UDP and TCP, request transactions with retransmission,
 * Binding, and NAT behavior discovery (RFC 5780).
 */
package io.turnkit.ice.stun;
