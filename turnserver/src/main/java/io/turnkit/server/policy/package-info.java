/**
 * Which peers a TURN client may relay to: address ranges and the peer policy that judges every peer
 * address, including the IPv4 addresses embedded in IPv6 forms, against IANA's special-purpose registries
 * and the operator's allowed and denied ranges.
 */
package io.turnkit.server.policy;
