package io.turnkit.ice.agent;

import io.turnkit.ice.stun.TransportProtocol;

/** The four candidate types of RFC 8445 §5.1.1, with their SDP names (RFC 8839 §5.1) and type preferences. */
public enum CandidateType {
    HOST("host", 126),
    PEER_REFLEXIVE("prflx", 110),
    SERVER_REFLEXIVE("srflx", 100),
    RELAYED("relay", 0);

    private final String sdpName;
    private final int typePreference;

    CandidateType(String sdpName, int typePreference) {
        this.sdpName = sdpName;
        this.typePreference = typePreference;
    }

    /** The name after {@code typ} in an {@code a=candidate} line. */
    public String sdpName() {
        return sdpName;
    }

    /** RFC 8445 §5.1.2.2: the recommended type preferences, 126 for host down to 0 for relayed. */
    public int typePreference() {
        return typePreference;
    }

    /**
     * The type preference of a candidate of this type over {@code transport}. RFC 6544 §4.2 leaves TCP's to the
     * agent and asks that the transport favoured get the higher one: a TCP candidate has half its UDP counterpart's
     * (host 63, server-reflexive 50), so every UDP candidate of a type is tried before the TCP ones, which are the
     * way through for peers whose UDP is blocked, while a direct TCP path still outranks a relay.
     */
    public int typePreference(TransportProtocol transport) {
        return transport == TransportProtocol.UDP ? typePreference : typePreference / 2;
    }

    /** The type named {@code typ} in SDP, or null for a name RFC 8839 does not define. */
    public static CandidateType fromSdpName(String name) {
        for (CandidateType type : values()) {
            if (type.sdpName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
