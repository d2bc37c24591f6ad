package io.turnkit.ice.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.SocketFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.stun.PasswordAlgorithm;

/** The session against turnkit's own server, in-process on loopback, over UDP and TCP. */
class TurnSessionTurnkitTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Between the requests sent while waiting for the nonce to go stale; they are bounded in number too. */
    private static final Duration PACE = Duration.ofMillis(20);
    private static final int MAX_REQUESTS = 500;

    @TempDir
    Path dir;

    private final LongTermCredentials credentials =
            new LongTermCredentials(LocalTurnServer.USER, LocalTurnServer.PASSWORD);

    @Test
    void shouldRelayRefreshAndCloseOverUdp() throws IOException {
        try (LocalTurnServer server = start(Duration.ofMinutes(10));
                BlockingTurnDriver driver = BlockingTurnDriver.udp(session(server, TransportProtocol.UDP))) {
            RelayScenario.run(driver);
        }
        assertEquals(PasswordAlgorithm.SHA256, credentials.passwordAlgorithm(), "turnkit offers SHA-256 first");
    }

    @Test
    void shouldRelayRefreshAndCloseOverTcp() throws IOException {
        try (LocalTurnServer server = start(Duration.ofMinutes(10));
                BlockingTurnDriver driver = BlockingTurnDriver.stream(session(server, TransportProtocol.TCP),
                        SocketFactory.getDefault())) {
            RelayScenario.run(driver);
        }
    }

    @Test
    void shouldGoOnWithTheFreshNonceOfA438() throws IOException {
        try (LocalTurnServer server = start(Duration.ofSeconds(1));
                BlockingTurnDriver driver = BlockingTurnDriver.udp(session(server, TransportProtocol.UDP))) {
            TurnSession session = driver.session();
            session.start(driver.now());
            driver.await(TurnEvent.Allocated.class, TIMEOUT);
            String firstNonce = credentials.nonce();

            // The nonce goes stale after a second of the server's own time; until then every request is answered
            // with it. Each CreatePermission waits for its answer, and the driver reads on for a pace; one of them
            // meets the 438 and is retried.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            for (int i = 0; i < MAX_REQUESTS && credentials.nonce().equals(firstNonce)
                    && System.nanoTime() - deadline < 0; i++) {
                session.createPermission(InetAddress.getLoopbackAddress(), driver.now());
                driver.awaitIdle(Duration.ofSeconds(60), TIMEOUT);
                driver.runFor(PACE);
            }

            assertNotEquals(firstNonce, credentials.nonce(), "a 438 brought a new nonce");
            assertEquals(TurnSession.State.ALLOCATED, session.state(), "and the request went through with it");
        }
    }

    /** The default peer policy denies loopback peers; the echo peer is one. */
    private LocalTurnServer start(Duration staleNonce) {
        return LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true)).auth(a -> a.staleNonce(staleNonce)));
    }

    private TurnSession session(LocalTurnServer server, TransportProtocol transport) {
        return new TurnSession(transport == TransportProtocol.UDP ? server.udp() : server.tcp(), transport,
                credentials, TurnSession.Options.DEFAULTS);
    }
}
