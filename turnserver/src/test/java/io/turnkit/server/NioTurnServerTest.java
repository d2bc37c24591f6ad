package io.turnkit.server;

import io.turnkit.server.transport.Transports;

/** The server's suite on NIO, the transport everywhere but Linux. */
class NioTurnServerTest extends TurnServerTest {
    @Override
    Transports transports() {
        return Transports.nio();
    }
}
