package io.turnkit.ice.turn;

import java.io.IOException;
import java.nio.file.Path;

import javax.net.SocketFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.stun.TransportProtocol;

/** The session against turnkit's own server, in-process on loopback, over UDP and TCP. */
class TurnSessionTurnkitTest {
    @TempDir
    Path dir;

    @Test
    void shouldRelayRefreshAndCloseOverUdp() throws IOException {
        try (LocalTurnServer server = start();
                BlockingTurnDriver driver = BlockingTurnDriver.udp(session(server, TransportProtocol.UDP))) {
            RelayScenario.run(driver);
        }
    }

    @Test
    void shouldRelayRefreshAndCloseOverTcp() throws IOException {
        try (LocalTurnServer server = start();
                BlockingTurnDriver driver = BlockingTurnDriver.stream(session(server, TransportProtocol.TCP),
                        SocketFactory.getDefault())) {
            RelayScenario.run(driver);
        }
    }

    /** The default peer policy denies loopback peers; the echo peer is one. */
    private LocalTurnServer start() {
        return LocalTurnServer.start(dir, b -> b.allowLoopbackPeers(true));
    }

    private static TurnSession session(LocalTurnServer server, TransportProtocol transport) {
        return new TurnSession(transport == TransportProtocol.UDP ? server.udp() : server.tcp(), transport,
                new LongTermCredentials(LocalTurnServer.USER, LocalTurnServer.PASSWORD), TurnSession.Options.DEFAULTS);
    }
}
