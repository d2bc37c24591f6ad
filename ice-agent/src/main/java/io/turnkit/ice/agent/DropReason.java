package io.turnkit.ice.agent;

/** Why a datagram was dropped; {@link IceAgent#dropped(DropReason)} counts each. */
public enum DropReason {
    /** It came on a socket id the agent does not know. */
    UNKNOWN_SOCKET,
    /** Its first byte says STUN (RFC 7983) but it is not a well-formed STUN message. */
    MALFORMED_STUN,
    /** A STUN method other than Binding. */
    NOT_BINDING,
    /** A check without USERNAME, PRIORITY, MESSAGE-INTEGRITY or FINGERPRINT (answered 400, RFC 8445 §7.3). */
    BAD_REQUEST,
    /** A check or response whose USERNAME or MESSAGE-INTEGRITY is wrong (a request is answered 401). */
    UNAUTHENTICATED,
    /** A response to no transaction of the agent's. */
    UNKNOWN_TRANSACTION,
    /** A response without a usable XOR-MAPPED-ADDRESS. */
    BAD_RESPONSE,
    /** Application data from an address that is not the remote end of a valid pair. */
    UNKNOWN_PEER,
    /**
     * A check from a new address once the component has learnt {@link IceConfig#maxPeerReflexiveCandidates()}
     * peer-reflexive candidates: answered, but its source is neither paired nor checked.
     */
    PEER_REFLEXIVE_LIMIT,
    /** Anything received after {@link IceAgent#close()}. */
    CLOSED
}
