package io.turnkit.ice.turn;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.driver.CandidateSources;
import io.turnkit.ice.driver.IceDriver;
import io.turnkit.ice.driver.IceSession;
import io.turnkit.ice.driver.RelayServer;
import io.turnkit.ice.stun.ServerUri;

/**
 * The driver's relayed candidate over TLS ({@code turns:}, RFC 7065) with a test certificate, which the agents trust
 * alone: through Debian's coturn, a relay-only agent connects to a host-only one; through turnkit's own TLS listener,
 * two relay-only agents connect relay to relay. Data crosses either way.
 */
class RelayedIceOverTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void shouldConnectTwoRelayOnlyAgentsThroughTurnkitsTlsListener() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, Coturn.LOOPBACK);
        try (LocalTurnServer turnkit = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true))
                     .listeners(l -> l.cert(certificate.certificateFile()).pkey(certificate.keyFile())));
             IceDriver driver = IceDriver.create(1)) {
            RelayServer relay = new RelayServer(ServerUri.parseTurn("turns:127.0.0.1:" + turnkit.tls().getPort()),
                    LocalTurnServer.USER, LocalTurnServer.PASSWORD, certificate.trustManagerFactory());
            CandidateSources relayOnly = CandidateSources.HOST.withRelay(relay).withRelayOnly(true);
            try (IceSession controlling = IceSession.open(driver,
                         IceConfig.builder().role(IceRole.CONTROLLING).build(), relayOnly, line -> { });
                 IceSession controlled = IceSession.open(driver,
                         IceConfig.builder().role(IceRole.CONTROLLED).build(), relayOnly, line -> { })) {
                List<String> controllingLines = controlling.localDescription(WAIT);
                List<String> controlledLines = controlled.localDescription(WAIT);
                controlling.addRemoteDescription(controlledLines);
                controlled.addRemoteDescription(controllingLines);

                IceEvent.SelectedPairChanged a = controlling.awaitSelected(WAIT);
                IceEvent.SelectedPairChanged b = controlled.awaitSelected(WAIT);
                assertEquals(CandidateType.RELAYED, a.local().type(), controllingLines::toString);
                assertEquals(CandidateType.RELAYED, a.remote().type(), controlledLines::toString);
                assertEquals(a.local().address(), b.remote().address());
                assertEquals(b.local().address(), a.remote().address());
                byte[] forth = "through turnkit over TLS".getBytes(UTF_8);
                byte[] back = "and back through it".getBytes(UTF_8);
                controlling.send(forth);
                assertArrayEquals(forth, controlled.receive(WAIT));
                controlled.send(back);
                assertArrayEquals(back, controlling.receive(WAIT));
            }
        }
    }

    @Test
    void shouldConnectARelayOnlyAgentThroughTurnOverTls() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, Coturn.LOOPBACK);
        try (Coturn coturn = Coturn.start(dir, certificate.certificateFile(), certificate.keyFile());
             IceDriver driver = IceDriver.create(1)) {
            RelayServer relay = new RelayServer(ServerUri.parseTurn("turns:127.0.0.1:" + coturn.tlsAddress().getPort()),
                    Coturn.USER, Coturn.PASSWORD, certificate.trustManagerFactory());
            try (IceSession relayed = IceSession.open(driver, IceConfig.builder().role(IceRole.CONTROLLING).build(),
                         CandidateSources.HOST.withRelay(relay).withRelayOnly(true), line -> { });
                 IceSession host = IceSession.open(driver, IceConfig.builder().role(IceRole.CONTROLLED).build(),
                         CandidateSources.HOST.withHostAddresses(Coturn.LOOPBACK), line -> { })) {
                List<String> relayedLines = relayed.localDescription(WAIT);
                host.addRemoteDescription(relayedLines);
                relayed.addRemoteDescription(host.localDescription(WAIT));

                IceEvent.SelectedPairChanged pair = relayed.awaitSelected(WAIT);
                assertEquals(CandidateType.RELAYED, pair.local().type(), relayedLines::toString);
                assertEquals(pair.local().address(), host.awaitSelected(WAIT).remote().address());
                byte[] hello = "over TLS to the relay".getBytes(UTF_8);
                relayed.send(hello);
                assertArrayEquals(hello, host.receive(WAIT));
            }
        }
    }
}
