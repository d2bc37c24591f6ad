package io.turnkit.server.metrics;

import io.turnkit.stun.StunErrorCode;

/**
 * Every counter the server keeps, declared once with a stable meter name and tags; {@link ServerCounters} holds
 * the values. docs/operations.md lists the meters as Prometheus shows them.
 */
public enum ServerCounter implements Metered {
    MALFORMED_STUN(Names.MALFORMED, Names.MALFORMED_HELP, "kind", "stun"),
    MALFORMED_CHANNEL_DATA(Names.MALFORMED, Names.MALFORMED_HELP,
            "kind", "channel_data"),
    UNKNOWN_PROTOCOL(Names.MALFORMED, Names.MALFORMED_HELP,
            "kind", "unknown_protocol"),
    /** Streams that could not be cut into STUN and ChannelData frames: the connection is closed. */
    TCP_BAD_FRAME(Names.MALFORMED, Names.MALFORMED_HELP, "kind", "tcp_frame"),
    NO_ALLOCATION(Names.DROPPED, Names.DROPPED_HELP, "reason", "no_allocation"),
    NO_PERMISSION(Names.DROPPED, Names.DROPPED_HELP, "reason", "no_permission"),
    NO_CHANNEL(Names.DROPPED, Names.DROPPED_HELP, "reason", "no_channel"),
    /** Send indications to a peer of a family the allocation has no relayed address of (RFC 8656 §11.2). */
    PEER_FAMILY_MISMATCH(Names.DROPPED, Names.DROPPED_HELP, "reason", "peer_family_mismatch"),
    CLIENT_BACKLOG_DROPPED(Names.DROPPED, Names.DROPPED_HELP,
            "reason", "client_backlog"),
    OVER_BANDWIDTH(Names.DROPPED, Names.DROPPED_HELP, "reason", "over_bandwidth"),
    /** UDP sends dropped because the send buffer stayed full while a socket's queue was full. */
    SEND_BUFFER_FULL(Names.DROPPED, Names.DROPPED_HELP, "reason", "send_buffer_full"),
    /** UDP sends the kernel refused (EMSGSIZE, ENETUNREACH, EPERM...), or to an unresolved address. */
    SEND_ERRORS(Names.DROPPED, Names.DROPPED_HELP, "reason", "send_error"),
    PEER_DENIED("turnkit.peer.denied", "Permissions, channels and sends refused by the peer address policy"),
    TCP_REFUSED(Names.CONNECTIONS_CLOSED, Names.CONNECTIONS_CLOSED_HELP,
            "reason", "limit"),
    TCP_TIMED_OUT(Names.CONNECTIONS_CLOSED, Names.CONNECTIONS_CLOSED_HELP, "reason", "idle"),
    /** TLS ClientHellos on a server with no-tls: the connection is closed. */
    TLS_REFUSED(Names.CONNECTIONS_CLOSED, Names.CONNECTIONS_CLOSED_HELP, "reason", "tls_refused"),
    TLS_HANDSHAKE_FAILED(Names.CONNECTIONS_CLOSED, Names.CONNECTIONS_CLOSED_HELP, "reason",
            "tls_handshake_failed"),
    /** Connections closed for a PROXY protocol header that was missing, malformed, too long or never finished. */
    PROXY_REFUSED(Names.CONNECTIONS_CLOSED, Names.CONNECTIONS_CLOSED_HELP,
            "reason", "proxy_refused"),
    /** DTLS datagrams on a server with no-dtls: dropped. */
    DTLS_REFUSED(Names.DTLS, Names.DTLS_HELP, "outcome", "refused"),
    /** ClientHellos without a valid cookie, answered with a HelloVerifyRequest and no state kept (RFC 6347 §4.2.1). */
    DTLS_HELLO_VERIFY(Names.DTLS, Names.DTLS_HELP, "outcome", "hello_verify"),
    /** ClientHellos with a valid cookie dropped because as many handshakes as allowed were under way. */
    DTLS_HANDSHAKES_REFUSED(Names.DTLS, Names.DTLS_HELP, "outcome", "handshakes_refused"),
    DTLS_HANDSHAKES(Names.DTLS, Names.DTLS_HELP, "outcome", "handshakes"),
    /** Handshakes that failed or did not finish in time. */
    DTLS_HANDSHAKE_FAILED(Names.DTLS, Names.DTLS_HELP, "outcome", "handshake_failed"),
    /** DTLS datagrams dropped: no record in them could be read (forged, replayed, cut), or too many queued. */
    DTLS_DROPPED(Names.DTLS, Names.DTLS_HELP, "outcome", "dropped"),
    TCP_ACCEPTED(Names.CONNECTIONS_ACCEPTED, Names.CONNECTIONS_ACCEPTED_HELP, "transport", "tcp"),
    TLS_ACCEPTED(Names.CONNECTIONS_ACCEPTED, Names.CONNECTIONS_ACCEPTED_HELP, "transport", "tls"),
    ALLOCATIONS_CREATED("turnkit.allocations.started", "Allocations made (Allocate requests granted)"),
    ALLOCATIONS_EXPIRED(Names.ALLOCATIONS_ENDED, Names.ALLOCATIONS_ENDED_HELP, "reason", "expired"),
    ALLOCATIONS_DELETED(Names.ALLOCATIONS_ENDED, Names.ALLOCATIONS_ENDED_HELP, "reason", "deleted"),
    /** Allocate requests answered with 300 (Try Alternate), RFC 8489 §10. */
    ALLOCATIONS_REDIRECTED("turnkit.allocations.redirected", "Allocate requests sent to an alternate server (300)"),
    /** Relay ports the pool handed out that another process held: the bind failed and the next port was tried. */
    RELAY_PORT_COLLISIONS("turnkit.relay.port_collisions", "Relay ports found held by another process"),
    /** Allocate requests refused by --user-quota or --total-quota (RFC 8656 §7.2: 486). */
    USER_QUOTA_REFUSED(Names.QUOTA_REFUSED, Names.QUOTA_REFUSED_HELP, "quota", "user"),
    TOTAL_QUOTA_REFUSED(Names.QUOTA_REFUSED, Names.QUOTA_REFUSED_HELP, "quota", "total"),
    /** Allocate requests refused because the nodes of a cluster hold the user's quota together (docs/cluster.md). */
    CLUSTER_QUOTA_REFUSED(Names.QUOTA_REFUSED, Names.QUOTA_REFUSED_HELP, "quota", "cluster_user"),
    /** Allocations a cluster node admitted by its own counts alone, because the shared database did not answer. */
    CLUSTER_LOCAL_ADMISSIONS("turnkit.cluster.local_admissions",
            "Allocations admitted on this node's own counts while the cluster's Redis did not answer"),
    /** Times the cluster's Redis became unreachable (each outage once, however long). */
    CLUSTER_REDIS_OUTAGES("turnkit.cluster.redis_outages", "Times the cluster's Redis became unreachable"),
    CHANNEL_DATA_TO_PEER(Names.RELAYED_PACKETS, Names.RELAYED_PACKETS_HELP, "direction", "to_peer",
            "path", "channel_data"),
    SEND_TO_PEER(Names.RELAYED_PACKETS, Names.RELAYED_PACKETS_HELP, "direction", "to_peer", "path", "send_data"),
    CHANNEL_DATA_TO_CLIENT(Names.RELAYED_PACKETS, Names.RELAYED_PACKETS_HELP, "direction", "to_client",
            "path", "channel_data"),
    DATA_TO_CLIENT(Names.RELAYED_PACKETS, Names.RELAYED_PACKETS_HELP, "direction", "to_client", "path", "send_data"),
    CHANNEL_DATA_BYTES_TO_PEER(Names.RELAYED_BYTES, Names.RELAYED_BYTES_HELP, "direction", "to_peer",
            "path", "channel_data"),
    SEND_BYTES_TO_PEER(Names.RELAYED_BYTES, Names.RELAYED_BYTES_HELP, "direction", "to_peer",
            "path", "send_data"),
    CHANNEL_DATA_BYTES_TO_CLIENT(Names.RELAYED_BYTES, Names.RELAYED_BYTES_HELP, "direction", "to_client",
            "path", "channel_data"),
    DATA_BYTES_TO_CLIENT(Names.RELAYED_BYTES, Names.RELAYED_BYTES_HELP, "direction", "to_client",
            "path", "send_data"),
    /** RFC 6062 §5.4: bytes of peer data connections, which carry a stream, not datagrams. */
    TCP_BYTES_TO_PEER(Names.RELAYED_BYTES, Names.RELAYED_BYTES_HELP, "direction", "to_peer", "path", "tcp"),
    TCP_BYTES_TO_CLIENT(Names.RELAYED_BYTES, Names.RELAYED_BYTES_HELP, "direction", "to_client", "path", "tcp"),
    /** Sends that carried several datagrams at once (UDP GSO); see DatagramBurst. */
    GSO_BURSTS_TO_CLIENT(Names.GSO_BURSTS, Names.GSO_BURSTS_HELP,
            "direction", "to_client"),
    GSO_BURSTS_TO_PEER(Names.GSO_BURSTS, Names.GSO_BURSTS_HELP, "direction", "to_peer"),
    /** Datagrams from one allocation to another of the same event loop, handed over in memory; see LoopRelays. */
    HAIRPINNED("turnkit.relayed.hairpinned", "Datagrams between allocations of one event loop, not via the kernel"),
    /** ChannelData frames to clients whose header was written in front of the peer's data; see ChannelDataHeadroom. */
    HEADERS_IN_PLACE("turnkit.relayed.headers_in_place", "ChannelData headers written in front of the data, "
            + "without a copy"),
    /** RFC 6062 peer data connections made by Connect or accepted on a relayed address. */
    TCP_RELAY_CONNECTIONS(Names.TCP_RELAY, Names.TCP_RELAY_HELP, "outcome", "connected"),
    /** Connections to a TCP relayed address closed at once: no permission, a denied peer, or too many. */
    TCP_RELAY_REFUSED(Names.TCP_RELAY, Names.TCP_RELAY_HELP, "outcome", "refused"),
    /** Peer data connections closed because no ConnectionBind came for them in time (RFC 6062 §5.2, §5.3). */
    TCP_RELAY_UNBOUND(Names.TCP_RELAY, Names.TCP_RELAY_HELP, "outcome", "unbound"),
    UNREACHABLE("turnkit.icmp.unreachable", "ICMP unreachable errors received on UDP sockets"),
    BINDING_REQUESTS("turnkit.binding.requests", "Binding requests answered"),
    /** Binding requests whose CHANGE-REQUEST (RFC 5780) found no listener to answer from: a server stopping. */
    NO_RESPONSE_ORIGIN("turnkit.binding.no_response_origin", "Binding requests whose CHANGE-REQUEST found no "
            + "listener to answer from"),
    // RFC 8489 §14.8 and RFC 8656 §19: the error codes this server sends, one counter each.
    ERROR_300(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "300"),
    ERROR_400(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "400"),
    ERROR_401(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "401"),
    ERROR_403(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "403"),
    ERROR_420(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "420"),
    ERROR_437(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "437"),
    ERROR_438(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "438"),
    ERROR_440(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "440"),
    ERROR_441(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "441"),
    ERROR_442(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "442"),
    ERROR_443(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "443"),
    ERROR_446(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "446"),
    ERROR_447(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "447"),
    ERROR_486(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "486"),
    ERROR_500(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "500"),
    ERROR_508(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "508"),
    /** An error code of no constant above. */
    ERROR_OTHER(Names.ERROR_RESPONSES, Names.ERROR_RESPONSES_HELP, "code", "other");

    /** Shared by several constants; a nested class, since an enum's constants cannot name its own fields. */
    private static final class Names {
        static final String MALFORMED = "turnkit.malformed";
        static final String MALFORMED_HELP = "Malformed input dropped, by kind";
        static final String DROPPED = "turnkit.dropped";
        static final String DROPPED_HELP = "Relayed data dropped, by reason";
        static final String CONNECTIONS_CLOSED = "turnkit.connections.closed";
        static final String CONNECTIONS_CLOSED_HELP = "TCP and TLS connections the server closed, by reason";
        static final String CONNECTIONS_ACCEPTED = "turnkit.connections.accepted";
        static final String CONNECTIONS_ACCEPTED_HELP = "Connections accepted, by what they speak";
        static final String ALLOCATIONS_ENDED = "turnkit.allocations.ended";
        static final String ALLOCATIONS_ENDED_HELP = "Allocations ended, by why";
        static final String QUOTA_REFUSED = "turnkit.quota.refused";
        static final String QUOTA_REFUSED_HELP = "Allocations refused by a quota";
        static final String RELAYED_PACKETS = "turnkit.relayed.packets";
        static final String RELAYED_PACKETS_HELP = "Datagrams relayed";
        static final String RELAYED_BYTES = "turnkit.relayed.bytes";
        static final String RELAYED_BYTES_HELP = "Application bytes relayed";
        static final String GSO_BURSTS = "turnkit.gso.bursts";
        static final String GSO_BURSTS_HELP = "Sends carrying several datagrams (UDP GSO)";
        static final String ERROR_RESPONSES = "turnkit.error.responses";
        static final String ERROR_RESPONSES_HELP = "Error responses sent, by error code";
        static final String TCP_RELAY = "turnkit.tcp_relay.connections";
        static final String TCP_RELAY_HELP = "RFC 6062 peer data connections, by outcome";
        static final String DTLS = "turnkit.dtls";
        static final String DTLS_HELP = "DTLS datagrams and handshakes, by outcome";
    }

    private final String meterName;
    private final String description;
    private final String[] tags;

    ServerCounter(String meterName, String description, String... tags) {
        this.meterName = meterName;
        this.description = description;
        this.tags = tags;
    }

    /** The counter of error responses with {@code code}: a switch, no lookup that allocates. */
    public static ServerCounter errorResponse(int code) {
        return switch (code) {
            case StunErrorCode.TRY_ALTERNATE -> ERROR_300;
            case StunErrorCode.BAD_REQUEST -> ERROR_400;
            case StunErrorCode.UNAUTHENTICATED -> ERROR_401;
            case StunErrorCode.FORBIDDEN -> ERROR_403;
            case StunErrorCode.UNKNOWN_ATTRIBUTE -> ERROR_420;
            case StunErrorCode.ALLOCATION_MISMATCH -> ERROR_437;
            case StunErrorCode.STALE_NONCE -> ERROR_438;
            case StunErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED -> ERROR_440;
            case StunErrorCode.WRONG_CREDENTIALS -> ERROR_441;
            case StunErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL -> ERROR_442;
            case StunErrorCode.PEER_ADDRESS_FAMILY_MISMATCH -> ERROR_443;
            case StunErrorCode.CONNECTION_ALREADY_EXISTS -> ERROR_446;
            case StunErrorCode.CONNECTION_TIMEOUT_OR_FAILURE -> ERROR_447;
            case StunErrorCode.ALLOCATION_QUOTA_REACHED -> ERROR_486;
            case StunErrorCode.SERVER_ERROR -> ERROR_500;
            case StunErrorCode.INSUFFICIENT_CAPACITY -> ERROR_508;
            default -> ERROR_OTHER;
        };
    }

    @Override
    public String meterName() {
        return meterName;
    }

    @Override
    public String[] tags() {
        return tags.clone();
    }

    @Override
    public String description() {
        return description;
    }
}
