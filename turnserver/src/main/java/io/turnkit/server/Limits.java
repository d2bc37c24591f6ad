package io.turnkit.server;

import io.turnkit.server.link.TcpClientLink;

/**
 * Guards against clients that hold resources without using them.
 *
 * @param maxTcpConnections connections accepted over TCP at once before more are refused
 * @param tcpIdleSeconds    a TCP client stalled mid-frame is closed after this long; one that never
 *                          allocates, after {@link TcpClientLink#IDLE_PERIODS_WITHOUT_ALLOCATION} times this
 */
record Limits(int maxTcpConnections, int tcpIdleSeconds) {
    static final Limits DEFAULT = new Limits(10_000, 10);
}
