package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.conformance.support.Chromium;
import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.WebRtcTestPage;

/**
 * A real browser uses turnkit as its TURN server: Chromium's WebRTC stack, restricted to relay candidates,
 * carries a data channel between two peer connections through two allocations, reaching the server over UDP
 * over TCP ({@code turn:...?transport=}, RFC 7065 §3.1) and over TLS ({@code turns:}, with the certificate the
 * server made for itself).
 */
class ChromiumRelayTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "conformance-password";
    private static final int MESSAGES = 100;
    /** The page gives up after this and reports what it saw; the test waits longer, for Chromium's start. */
    private static final Duration PAGE_TIME_LIMIT = Duration.ofSeconds(30);
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);

    private static TurnkitServer server;

    @BeforeAll
    static void start() {
        server = TurnkitServer.withLongTermCredentials(USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(server);
    }

    /** The iceServers URI for {@code transport}: TLS is turns: to the TLS port, over TCP (RFC 7065 §3.1). */
    private static String uri(String transport) {
        return transport.equals("tls")
                ? "turns:" + LoopbackPorts.LOOPBACK_IP + ":" + server.tlsPort() + "?transport=tcp"
                : "turn:" + LoopbackPorts.LOOPBACK_IP + ":" + server.port() + "?transport=" + transport;
    }

    @ParameterizedTest(name = "transport={0}")
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void shouldRelayDataChannelBothWaysBetweenRelayCandidates(String transport) {
        Map<String, String> result;
        try (WebRtcTestPage page = WebRtcTestPage.start();
             Chromium chromium = Chromium.open(page.uri(Map.of(
                     "turn", uri(transport),
                     "username", USER,
                     "credential", PASSWORD,
                     "messages", Integer.toString(MESSAGES),
                     "timeoutMs", Long.toString(PAGE_TIME_LIMIT.toMillis()))))) {
            result = page.awaitResult(RESULT_TIMEOUT, chromium.process());
        }
        String expectedCount = Integer.toString(MESSAGES);
        assertAll("page result " + result + server.describe(),
                () -> assertNull(result.get("error"), "error"),
                () -> assertEquals("relay", result.get("offererLocal"), "offerer's local candidate type"),
                () -> assertEquals("relay", result.get("offererRemote"), "offerer's remote candidate type"),
                () -> assertEquals("relay", result.get("answererLocal"), "answerer's local candidate type"),
                () -> assertEquals("relay", result.get("answererRemote"), "answerer's remote candidate type"),
                () -> assertEquals(transport, result.get("offererRelayProtocol"), "offerer's protocol to TURN"),
                () -> assertEquals(transport, result.get("answererRelayProtocol"), "answerer's protocol to TURN"),
                () -> assertEquals(expectedCount, result.get("offererReceived"), "messages the offerer received"),
                () -> assertEquals(expectedCount, result.get("answererReceived"), "messages the answerer received"));
    }
}
