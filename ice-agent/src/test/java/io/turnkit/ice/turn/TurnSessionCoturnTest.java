package io.turnkit.ice.turn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import javax.net.SocketFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.stun.TransportProtocol;

/** The session against Debian's coturn, started on loopback for each test, over UDP, TCP and TLS. */
class TurnSessionCoturnTest {
    @TempDir
    Path dir;

    @Test
    void shouldRelayRefreshAndCloseOverUdp() throws IOException {
        try (Coturn coturn = Coturn.start(dir, null, null);
                BlockingTurnDriver driver = BlockingTurnDriver.udp(session(coturn, TransportProtocol.UDP))) {
            RelayScenario.run(driver);
        }
    }

    @Test
    void shouldRelayRefreshAndCloseOverTcp() throws IOException {
        try (Coturn coturn = Coturn.start(dir, null, null);
                BlockingTurnDriver driver = BlockingTurnDriver.stream(session(coturn, TransportProtocol.TCP),
                        SocketFactory.getDefault())) {
            RelayScenario.run(driver);
        }
    }

    @Test
    void shouldRelayRefreshAndCloseOverTls() throws IOException, GeneralSecurityException {
        TestCertificate certificate = TestCertificate.create(dir, Coturn.LOOPBACK);
        try (Coturn coturn = Coturn.start(dir, certificate.certificateFile(), certificate.keyFile());
                BlockingTurnDriver driver = BlockingTurnDriver.stream(session(coturn, TransportProtocol.TLS),
                        certificate.clientSocketFactory())) {
            RelayScenario.run(driver);
        }
    }

    private static TurnSession session(Coturn coturn, TransportProtocol transport) {
        InetSocketAddress server = transport == TransportProtocol.TLS ? coturn.tlsAddress() : coturn.address();
        return new TurnSession(server, transport, new LongTermCredentials(Coturn.USER, Coturn.PASSWORD),
                TurnSession.Options.DEFAULTS);
    }
}
