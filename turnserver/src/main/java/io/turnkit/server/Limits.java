package io.turnkit.server;

import io.turnkit.server.link.TcpClientLink;

/**
 * Guards against clients that hold resources without using them.
 *
 * @param maxTcpConnections    connections accepted over TCP at once before more are refused
 * @param tcpIdleSeconds       a TCP client stalled mid-frame is closed after this long; one that never
 *                             allocates, after {@link TcpClientLink#IDLE_PERIODS_WITHOUT_ALLOCATION} times this
 * @param maxDtlsHandshakes    DTLS handshakes past their cookie under way at once before more are dropped
 * @param dtlsHandshakeSeconds a DTLS handshake not finished after this long is dropped
 */
record Limits(int maxTcpConnections, int tcpIdleSeconds, int maxDtlsHandshakes, int dtlsHandshakeSeconds) {
    /**
     * A handshake whose flights are lost gets bctls's retransmissions after 1, 2 and 4 s (RFC 6347 §4.2.4.1) within
     * the 10 s; 128 handshakes at once is more than a server sees but in a flood of real (cookie-checked) clients.
     */
    static final Limits DEFAULT = new Limits(10_000, 10, 128, 10);

    Limits(int maxTcpConnections, int tcpIdleSeconds) {
        this(maxTcpConnections, tcpIdleSeconds, DEFAULT.maxDtlsHandshakes, DEFAULT.dtlsHandshakeSeconds);
    }
}
