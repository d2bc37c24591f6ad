package io.turnkit.server;

import io.turnkit.server.transport.Transports;

/** The TCP relay on NIO sockets, the transport everywhere but Linux. */
class NioTcpRelayTest extends TcpRelayTest {
    @Override
    Transports transports() {
        return Transports.nio();
    }
}
