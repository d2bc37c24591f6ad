package io.turnkit.server.metrics;

/** Every counter the server keeps, declared once with a stable name; {@link ServerCounters} holds the values. */
public enum ServerCounter {
    MALFORMED_STUN("turnkit.malformed.stun"),
    MALFORMED_CHANNEL_DATA("turnkit.malformed.channel_data"),
    UNKNOWN_PROTOCOL("turnkit.dropped.unknown_protocol"),
    NO_ALLOCATION("turnkit.dropped.no_allocation"),
    NO_PERMISSION("turnkit.dropped.no_permission"),
    NO_CHANNEL("turnkit.dropped.no_channel"),
    PEER_DENIED("turnkit.dropped.peer_denied"),
    /** Send indications to a peer of a family the allocation has no relayed address of (RFC 8656 §11.2). */
    PEER_FAMILY_MISMATCH("turnkit.dropped.peer_family_mismatch"),
    TCP_REFUSED("turnkit.tcp.refused"),
    TCP_TIMED_OUT("turnkit.tcp.timed_out"),
    TCP_BAD_FRAME("turnkit.tcp.bad_frame"),
    /** TLS ClientHellos on a server with no-tls: the connection is closed. */
    TLS_REFUSED("turnkit.tls.refused"),
    TLS_HANDSHAKE_FAILED("turnkit.tls.handshake_failed"),
    /** DTLS datagrams on a server with no-dtls: dropped. */
    DTLS_REFUSED("turnkit.dtls.refused"),
    /** ClientHellos without a valid cookie, answered with a HelloVerifyRequest and no state kept (RFC 6347 §4.2.1). */
    DTLS_HELLO_VERIFY("turnkit.dtls.hello_verify"),
    /** ClientHellos with a valid cookie dropped because as many handshakes as allowed were under way. */
    DTLS_HANDSHAKES_REFUSED("turnkit.dtls.handshakes_refused"),
    DTLS_HANDSHAKES("turnkit.dtls.handshakes"),
    /** Handshakes that failed or did not finish in time. */
    DTLS_HANDSHAKE_FAILED("turnkit.dtls.handshake_failed"),
    /** DTLS datagrams dropped: no record in them could be read (forged, replayed, cut), or too many queued. */
    DTLS_DROPPED("turnkit.dtls.dropped"),
    /** Connections closed for a PROXY protocol header that was missing, malformed, too long or never finished. */
    PROXY_REFUSED("turnkit.proxy.refused"),
    CLIENT_BACKLOG_DROPPED("turnkit.dropped.client_backlog"),
    OVER_BANDWIDTH("turnkit.dropped.over_bandwidth"),
    ALLOCATIONS_CREATED("turnkit.allocations.created"),
    ALLOCATIONS_EXPIRED("turnkit.allocations.expired"),
    ALLOCATIONS_DELETED("turnkit.allocations.deleted"),
    /** Relay ports the pool handed out that another process held: the bind failed and the next port was tried. */
    RELAY_PORT_COLLISIONS("turnkit.relay.port_collisions"),
    /** Allocate requests answered with 300 (Try Alternate), RFC 8489 §10. */
    ALLOCATIONS_REDIRECTED("turnkit.allocations.redirected"),
    RELAYED_TO_PEER("turnkit.relayed.to_peer"),
    RELAYED_TO_CLIENT("turnkit.relayed.to_client"),
    /** Sends that carried several datagrams at once (UDP GSO); see DatagramBurst. */
    GSO_BURSTS_TO_CLIENT("turnkit.gso_bursts.to_client"),
    GSO_BURSTS_TO_PEER("turnkit.gso_bursts.to_peer"),
    /** Datagrams from one allocation to another of the same event loop, handed over in memory; see LoopRelays. */
    HAIRPINNED("turnkit.relayed.hairpinned"),
    /** ChannelData frames to clients whose header was written in front of the peer's data; see ChannelDataHeadroom. */
    HEADERS_IN_PLACE("turnkit.relayed.headers_in_place"),
    UNREACHABLE("turnkit.icmp.unreachable"),
    /** UDP sends dropped because the send buffer stayed full while a socket's queue was full. */
    SEND_BUFFER_FULL("turnkit.dropped.send_buffer_full"),
    /** UDP sends the kernel refused (EMSGSIZE, ENETUNREACH, EPERM...), or to an unresolved address. */
    SEND_ERRORS("turnkit.dropped.send_error"),
    BINDING_REQUESTS("turnkit.binding.requests"),
    /** Binding requests whose CHANGE-REQUEST (RFC 5780) found no listener to answer from: a server stopping. */
    NO_RESPONSE_ORIGIN("turnkit.binding.no_response_origin");

    private final String meterName;

    ServerCounter(String meterName) {
        this.meterName = meterName;
    }

    public String meterName() {
        return meterName;
    }
}
