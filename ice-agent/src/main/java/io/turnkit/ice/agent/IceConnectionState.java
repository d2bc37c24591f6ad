package io.turnkit.ice.agent;

/**
 * The agent's connection state, with the meanings of the W3C {@code RTCIceConnectionState}.
 */
public enum IceConnectionState {
    /** Waiting for remote candidates and credentials. */
    NEW,
    /** Checking pairs; no pair selected for every component yet. */
    CHECKING,
    /** A pair is selected for every component; checks or trickle may still go on. */
    CONNECTED,
    /** A pair is selected for every component, every check is done and both sides' candidates are all known. */
    COMPLETED,
    /** A selected pair has gone a few seconds without a consent response (RFC 7675); it may come back. */
    DISCONNECTED,
    /**
     * Every pair failed, or consent was lost (RFC 7675 §5.1: 30 s without a response); {@link IceAgent#restart}
     * may recover.
     */
    FAILED,
    /** {@link IceAgent#close} was called. */
    CLOSED
}
