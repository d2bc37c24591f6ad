package io.turnkit.ice.sim;

/** Why a {@link VirtualNetwork} did not deliver a datagram; each is counted where it happened. */
public enum DropReason {
    /** Lost on a link ({@link LinkConditions#lossRate()}). */
    LOSS,
    /** A NAT had a mapping for the destination but its filtering refused the source (RFC 4787 §5). */
    FILTERED,
    /** A NAT had no mapping (or only an expired one) for the destination (RFC 4787 §4.3). */
    NO_MAPPING,
    /** A host on the path's end had no socket bound to the destination port. */
    NO_SOCKET,
    /** No host or NAT holds the destination address. */
    NO_ROUTE,
    /** A datagram from inside a NAT to the NAT's own external address, with hairpinning off (RFC 4787 §6). */
    HAIRPINNING_OFF,
    /** A firewall that blocks all UDP. */
    UDP_BLOCKED
}
