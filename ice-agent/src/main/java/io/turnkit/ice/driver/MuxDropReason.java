package io.turnkit.ice.driver;

/** Why a one-port mux dropped what it received; {@link MuxRoutes#dropped(MuxDropReason)} counts each. */
public enum MuxDropReason {
    /** From an address no agent has, and no Binding request with a USERNAME (data, malformed STUN, anything). */
    UNKNOWN_SENDER,
    /** A Binding request from an unknown address whose USERNAME names no agent's local ufrag. */
    UNKNOWN_UFRAG,
    /** A check from a new address for an agent that has {@link MuxRoutes#MAX_ADDRESSES_PER_AGENT} already. */
    ADDRESS_LIMIT,
    /** A TCP connection accepted while {@link TcpMux#MAX_PENDING} others had not sent their first check: closed. */
    PENDING_LIMIT,
    /** A TCP connection whose first check did not come within {@link TcpMux#FIRST_CHECK_TIMEOUT}: closed. */
    NO_CHECK_IN_TIME,
    /** A TCP connection for an agent that has {@link TcpMux#MAX_CONNECTIONS_PER_AGENT} on the mux already: closed. */
    CONNECTION_LIMIT
}
