package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.nativeudp.NativeDatagramLibrary;

/** The server's suite on turnkit's own recvmmsg/sendmmsg UDP sockets, where the build made the library. */
class NativeUdpTurnServerTest extends TurnServerTest {
    /** Set by the build where it compiled the library (turnserver/pom.xml): then these tests must run. */
    private static final boolean BUILT = "epoll with native UDP".equals(System.getProperty("turnkit.test.transport"));

    @BeforeAll
    static void libraryLoaded() {
        if (BUILT) {
            assertTrue(NativeDatagramLibrary.isAvailable(), "the build made the library: " +
                    NativeDatagramLibrary.unavailabilityReason());
        }
        assumeTrue(NativeDatagramLibrary.isAvailable(), "no native UDP library here");
    }

    @Override
    Transports transports() {
        return Transports.nativeUdp();
    }

    /** What a server started as the CLI starts it serves on: this transport, where the library is. */
    @Test
    void shouldBeTheTransportTheServerChooses() {
        assertEquals(transports().name(), Transports.best().name());
    }
}
