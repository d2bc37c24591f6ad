package io.turnkit.ice.agent;

/**
 * The {@code tcptype} of a TCP candidate (RFC 6544 §4.5): who opens the connection. An active candidate connects out
 * (and is signalled with port 9, its source port being the connection's), a passive one accepts, and a
 * simultaneous-open (S-O) one does both at once with its peer.
 */
public enum TcpType {
    ACTIVE("active", 6),
    PASSIVE("passive", 4),
    SIMULTANEOUS_OPEN("so", 2);

    /** RFC 6544 §4.2: other-pref takes the low 13 bits of the local preference. */
    private static final int DIRECTION_SHIFT = 13;
    /** RFC 6544 §4.2: the largest other-pref, 2^13 - 1. */
    static final int MAX_OTHER_PREFERENCE = (1 << DIRECTION_SHIFT) - 1;

    private final String sdpName;
    private final int hostDirectionPreference;

    TcpType(String sdpName, int hostDirectionPreference) {
        this.sdpName = sdpName;
        this.hostDirectionPreference = hostDirectionPreference;
    }

    /** The value after {@code tcptype} in an {@code a=candidate} line. */
    public String sdpName() {
        return sdpName;
    }

    /** The type named in SDP, or null for a name RFC 6544 does not define. */
    public static TcpType fromSdpName(String name) {
        for (TcpType type : values()) {
            if (type.sdpName.equals(name)) {
                return type;
            }
        }
        return null;
    }

    /**
     * RFC 6544 §4.2: local preference = 2^13 × direction-pref + other-pref, with the direction-pref recommended for
     * host candidates (6 active, 4 passive, 2 S-O: an active candidate works through more firewalls) and other-pref
     * the agent's preference among its interfaces, 0 to 8191.
     */
    int localPreference(int otherPreference) {
        int other = Math.max(0, Math.min(otherPreference, MAX_OTHER_PREFERENCE));
        return (hostDirectionPreference << DIRECTION_SHIFT) + other;
    }

    /**
     * RFC 6544 §6.2: an active candidate pairs with a passive one, a passive with an active, S-O with S-O. A local
     * passive candidate never opens the connection, so its pairs are pruned from the check list (also §6.2); they
     * appear when the peer's check arrives on an accepted connection (a peer-reflexive pair, RFC 8445 §7.3.1.4).
     */
    boolean checksTo(TcpType remote) {
        return switch (this) {
            case ACTIVE -> remote == PASSIVE;
            case SIMULTANEOUS_OPEN -> remote == SIMULTANEOUS_OPEN;
            case PASSIVE -> false;
        };
    }

    /** The type of a peer that opened a connection to a local candidate of this type (RFC 6544 §7.2). */
    TcpType connectingPeer() {
        return this == SIMULTANEOUS_OPEN ? SIMULTANEOUS_OPEN : ACTIVE;
    }
}
