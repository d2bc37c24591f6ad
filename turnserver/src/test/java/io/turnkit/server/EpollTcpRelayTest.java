package io.turnkit.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

import io.netty.channel.epoll.Epoll;
import io.turnkit.server.transport.Transports;

/** The TCP relay on Netty's epoll sockets. */
class EpollTcpRelayTest extends TcpRelayTest {
    @BeforeAll
    static void epollAvailable() {
        assumeTrue(Epoll.isAvailable(), "no epoll here");
    }

    @Override
    Transports transports() {
        return Transports.epoll();
    }
}
