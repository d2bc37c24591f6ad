package io.turnkit.ice.driver;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.sdp.SdpParseException;
import io.turnkit.ice.stun.ServerUri;

/** Two agents on real loopback sockets, on one event loop of one driver: directly and through turnkit's server. */
class IceDriverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final CandidateSources LOOPBACK_HOST = CandidateSources.HOST.withHostAddresses(LOOPBACK);

    @TempDir
    Path dir;

    private final IceDriver driver = IceDriver.create(1);

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldConnectTwoAgentsOnOneEventLoopAndCarryDataBothWays() throws Exception {
        try (IceSession controlling = session(IceRole.CONTROLLING, LOOPBACK_HOST);
             IceSession controlled = session(IceRole.CONTROLLED, LOOPBACK_HOST)) {
            assertSame(controlling.agent().eventLoop(), controlled.agent().eventLoop());

            Pair pair = connect(controlling, controlled);

            assertEquals(CandidateType.HOST, pair.controlling().local().type());
            assertEquals(pair.controlling().local().address(), pair.controlled().remote().address());
            assertEquals(pair.controlled().local().address(), pair.controlling().remote().address());
            exchangeData(controlling, controlled);
            assertTrue(controlling.state() == IceConnectionState.CONNECTED
                    || controlling.state() == IceConnectionState.COMPLETED, controlling.state()::toString);
        }
    }

    /** RTP and RTCP without mux: each component has its sockets, its selected pair and its datagrams. */
    @Test
    void shouldSelectAPairForEachOfTwoComponentsAndCarryDataOnEach() throws Exception {
        try (IceSession controlling = IceSession.open(driver, config(IceRole.CONTROLLING).components(2).build(),
                    LOOPBACK_HOST, line -> { });
             IceSession controlled = IceSession.open(driver, config(IceRole.CONTROLLED).components(2).build(),
                    LOOPBACK_HOST, line -> { })) {
            List<String> controllingLines = controlling.localDescription(WAIT);
            List<String> controlledLines = controlled.localDescription(WAIT);
            controlling.addRemoteDescription(controlledLines);
            controlled.addRemoteDescription(controllingLines);

            IceEvent.SelectedPairChanged rtp = controlling.awaitSelected(1, WAIT);
            IceEvent.SelectedPairChanged rtcp = controlling.awaitSelected(2, WAIT);
            controlled.awaitSelected(1, WAIT);
            controlled.awaitSelected(2, WAIT);

            assertEquals(1, rtp.componentId());
            assertEquals(2, rtcp.componentId());
            assertNotEquals(rtp.local().address(), rtcp.local().address(), "a socket per component");
            for (int component = 1; component <= 2; component++) {
                byte[] forth = ("component " + component + " forth").getBytes(UTF_8);
                byte[] back = ("component " + component + " back").getBytes(UTF_8);
                controlling.send(component, forth);
                controlled.send(component, back);
                assertArrayEquals(forth, controlled.receive(component, WAIT));
                assertArrayEquals(back, controlling.receive(component, WAIT));
            }
        }
    }

    @Test
    void shouldConnectThroughATurnRelayOverUdp() throws Exception {
        try (LocalTurnServer turn = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true)))) {
            connectRelayOnly(ServerUri.parseTurn("turn:127.0.0.1:" + turn.udp().getPort()));
        }
    }

    @Test
    void shouldConnectThroughATurnRelayOverTcp() throws Exception {
        try (LocalTurnServer turn = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true)))) {
            connectRelayOnly(ServerUri.parseTurn("turn:127.0.0.1:" + turn.tcp().getPort() + "?transport=tcp"));
        }
    }

    @Test
    void shouldRefuseAMalformedRemoteLineAndApplyNothing() throws Exception {
        try (IceSession session = session(IceRole.CONTROLLED, LOOPBACK_HOST)) {
            session.localDescription(WAIT);

            assertThrows(SdpParseException.class, () -> session.addRemoteDescription(
                    List.of("a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwxyz", "a=candidate:1 1 UDP x")));
            assertThrows(TimeoutException.class, () -> session.awaitSelected(Duration.ofMillis(200)));
        }
    }

    @Test
    void shouldWarnAndEndGatheringWhenTheTurnServerRefusesTheCredentials() throws Exception {
        try (LocalTurnServer turn = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true)))) {
            RelayServer wrong = new RelayServer(ServerUri.parseTurn("turn:127.0.0.1:" + turn.udp().getPort()),
                    LocalTurnServer.USER, "not-the-password");
            List<String> warnings = new CopyOnWriteArrayList<>();
            try (IceSession session = IceSession.open(driver, config(IceRole.CONTROLLING).build(),
                    LOOPBACK_HOST.withRelay(wrong), line -> {
                        if (line.startsWith("warning: ")) {
                            warnings.add(line);
                        }
                    })) {
                List<String> lines = session.localDescription(WAIT);

                assertTrue(lines.stream().noneMatch(l -> l.contains(" typ relay")), lines::toString);
                assertTrue(lines.stream().anyMatch(l -> l.contains(" typ host")), lines::toString);
                assertEquals(1, warnings.size(), warnings::toString);
                assertTrue(warnings.get(0).contains("401"), warnings::toString);
            }
        }
    }

    /** The controlling side is relay-only, the controlled one has its host candidate: data crosses the relay. */
    private void connectRelayOnly(ServerUri uri) throws Exception {
        RelayServer relay = new RelayServer(uri, LocalTurnServer.USER, LocalTurnServer.PASSWORD);
        try (IceSession controlling = session(IceRole.CONTROLLING,
                    CandidateSources.HOST.withRelay(relay).withRelayOnly(true));
             IceSession controlled = session(IceRole.CONTROLLED, LOOPBACK_HOST)) {
            Pair pair = connect(controlling, controlled);

            assertEquals(CandidateType.RELAYED, pair.controlling().local().type());
            assertEquals(CandidateType.HOST, pair.controlled().local().type());
            assertEquals(pair.controlling().local().address(), pair.controlled().remote().address());
            exchangeData(controlling, controlled);
        }
    }

    private IceSession session(IceRole role, CandidateSources sources) throws Exception {
        return IceSession.open(driver, config(role).build(), sources, line -> { });
    }

    private static IceConfig.Builder config(IceRole role) {
        return IceConfig.builder().role(role);
    }

    private record Pair(IceEvent.SelectedPairChanged controlling, IceEvent.SelectedPairChanged controlled) {
    }

    private static Pair connect(IceSession controlling, IceSession controlled) throws Exception {
        List<String> controllingLines = controlling.localDescription(WAIT);
        List<String> controlledLines = controlled.localDescription(WAIT);
        controlling.addRemoteDescription(controlledLines);
        controlled.addRemoteDescription(controllingLines);
        return new Pair(controlling.awaitSelected(WAIT), controlled.awaitSelected(WAIT));
    }

    private static void exchangeData(IceSession a, IceSession b) throws Exception {
        byte[] hello = "hello over ICE".getBytes(UTF_8);
        byte[] reply = "and back".getBytes(UTF_8);
        a.send(hello);
        assertArrayEquals(hello, receive(b));
        b.send(reply);
        assertArrayEquals(reply, receive(a));
    }

    private static byte[] receive(IceSession session) throws InterruptedException {
        byte[] data = session.receive(WAIT);
        assertNotNull(data, "no datagram within " + WAIT);
        return data;
    }
}
