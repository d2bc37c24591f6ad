package io.turnkit.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

import io.netty.channel.epoll.Epoll;
import io.turnkit.server.transport.Transports;

/** The server's suite on Netty's epoll datagram channels, the fallback on Linux without turnkit's library. */
class EpollTurnServerTest extends TurnServerTest {
    @BeforeAll
    static void epollAvailable() {
        assumeTrue(Epoll.isAvailable(), "no epoll here");
    }

    @Override
    Transports transports() {
        return Transports.epoll();
    }
}
