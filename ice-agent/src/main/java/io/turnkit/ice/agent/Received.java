package io.turnkit.ice.agent;

/** What {@link IceAgent#handleDatagram} made of a datagram. */
public enum Received {
    /** A STUN message for the agent (a check, a response, a gathering or consent response); consumed. */
    STUN,
    /** Application data on a valid pair: an {@link IceEvent.ApplicationData} event carries a copy. */
    APPLICATION_DATA,
    /** Malformed, unauthenticated or unexpected: counted under a {@link DropReason} and ignored. */
    DROPPED
}
