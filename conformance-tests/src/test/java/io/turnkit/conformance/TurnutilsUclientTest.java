package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsPeer;
import io.turnkit.conformance.support.TurnutilsUclient;
import io.turnkit.conformance.support.UclientReport;

/**
 * coturn's own test client, turnutils_uclient, relaying through turnkit over UDP, TCP, TLS and DTLS: every
 * message it sends comes back, none lost, with long-term credentials and with TURN REST API credentials; a wrong
 * password or secret gets no allocation.
 */
class TurnutilsUclientTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "conformance-password";
    private static final String REST_USER = "bob";
    private static final String AUTH_SECRET = "conformance-auth-secret";
    /** Messages per session: one second of traffic at uclient's 20 ms interval. */
    private static final int MESSAGES = 50;
    /**
     * uclient gives up after 32 Allocate requests answered with 401, within milliseconds. A server that stops
     * answering a source after repeated failures (turnkit does) leaves it retransmitting forever instead.
     */
    private static final Duration REFUSAL_LIMIT = Duration.ofSeconds(5);
    /** A busy machine may take a while to log what it did. */
    private static final Duration CLOSE_LINE = Duration.ofSeconds(30);

    private static TurnkitServer longTermServer;
    private static TurnkitServer restApiServer;
    private static TurnutilsPeer peer;

    @BeforeAll
    static void start() {
        peer = TurnutilsPeer.start();
        longTermServer = TurnkitServer.withLongTermCredentials(USER, PASSWORD);
        restApiServer = TurnkitServer.withAuthSecret(AUTH_SECRET);
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(restApiServer, longTermServer, peer);
    }

    @Test
    void shouldRelayChannelDataOverUdpWithoutLoss() {
        // One client: an RTP and an RTCP session, each with its channel to the peer's port and the next.
        TurnutilsUclient.run(longTermServer, throughPeer("-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelaySendAndDataIndicationsOverUdpWithoutLoss() {
        // -s: Send indications out and, with no channel bound, Data indications back (RFC 8656 §11).
        TurnutilsUclient.run(longTermServer, throughPeer("-s", "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelayPaddedChannelDataOverTcpWithoutLoss() {
        // 1001 bytes: over TCP each ChannelData message is padded to a multiple of four (RFC 8656 §12.5),
        // so the server must strip and add three bytes of padding in the stream.
        TurnutilsUclient.run(longTermServer, throughPeer("-t", "-l", "1001", "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelayChannelDataOverTlsOnTheTlsPortWithoutLoss() {
        // -S: TLS over the TCP connection (RFC 8656 §3.1), to the port turns: URIs name.
        TurnutilsUclient.run(longTermServer, longTermServer.tlsPort(),
                        throughPeer("-t", "-S", "-l", "1001", "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelayOverTlsOnThePlainPortWithoutLoss() {
        // One port for turn: and turns:, told apart by the first bytes of each connection.
        TurnutilsUclient.run(longTermServer, throughPeer("-t", "-S", "-s", "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelayChannelDataOverDtlsOnTheTlsPortWithoutLoss() {
        // -S without -t: DTLS over UDP (RFC 8656 §3.1), to the TLS port's UDP side, as coturn serves it.
        TurnutilsUclient.run(longTermServer, longTermServer.tlsPort(),
                        throughPeer("-S", "-l", "1001", "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelayOverDtlsOnThePlainPortWithoutLoss() {
        // DTLS, STUN and ChannelData on one UDP port, told apart by the first byte of each datagram (RFC 7983 §7).
        TurnutilsUclient.run(longTermServer, throughPeer("-S", "-s", "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldLogWhatAnAllocationRelayedEachWayWhenItCloses() {
        // uclient deletes its allocations (Refresh with LIFETIME 0, RFC 8656 §8) before it exits.
        TurnutilsUclient.run(longTermServer, throughPeer("-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());

        longTermServer.awaitLineContaining("allocation closed (deleted): user " + USER, CLOSE_LINE);
        Pattern relayedBothWays = Pattern.compile("(?m)^\\S+ INFO  allocation closed \\(deleted\\): user " + USER
                + ", client 127\\.0\\.0\\.\\d+:\\d+ over udp, relayed 127\\.0\\.0\\.1:\\d+, lasted \\d+ s, "
                + "to peers [1-9]\\d* bytes in [1-9]\\d* packets, to the client [1-9]\\d* bytes in [1-9]\\d* packets$");
        assertTrue(relayedBothWays.matcher(longTermServer.output()).find(), longTermServer.describe());
    }

    @Test
    void shouldRelayBetweenFortyClientsWithoutLoss() {
        // -y: the relayed addresses talk to each other, 40 sessions in pairs, no peer process involved.
        TurnutilsUclient.run(longTermServer, List.of("-y", "-m", "40", "-n", Integer.toString(MESSAGES),
                        "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(40 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelayOverTcpRelaysWithoutLoss() {
        // -T: RFC 6062 TCP allocations (over TCP), each client Connects to the other's relayed address, which
        // offers the connection with a ConnectionAttempt; both bind data connections that carry the messages.
        TurnutilsUclient.run(longTermServer, List.of("-T", "-m", "2", "-n", Integer.toString(MESSAGES),
                        "-u", USER, "-w", PASSWORD))
                .assertAllDelivered(2 * MESSAGES, longTermServer.describe());
    }

    @Test
    void shouldRelayWithRestApiCredentialsWithoutLoss() {
        // -W: uclient makes the username "<expiry>:bob" and the password base64(HMAC-SHA1(secret, username)).
        // Send indications (-s) keep this about authentication, apart from the channel tests above.
        TurnutilsUclient.run(restApiServer, throughPeer("-s", "-W", AUTH_SECRET, "-u", REST_USER))
                .assertAllDelivered(2 * MESSAGES, restApiServer.describe());
    }

    @Test
    void shouldRefuseAllocationWithWrongPassword() {
        assertAllocationRefused(() -> TurnkitServer.withLongTermCredentials(USER, PASSWORD),
                "-u", USER, "-w", PASSWORD + "-wrong");
    }

    @Test
    void shouldRefuseAllocationWithWrongAuthSecret() {
        assertAllocationRefused(() -> TurnkitServer.withAuthSecret(AUTH_SECRET),
                "-W", AUTH_SECRET + "-wrong", "-u", REST_USER);
    }

    /** uclient options for {@value #MESSAGES} messages per session through the echo peer, then {@code options}. */
    private static List<String> throughPeer(String... options) {
        List<String> all = new ArrayList<>(List.of("-e", LOOPBACK_IP, "-r", Integer.toString(peer.port()),
                "-n", Integer.toString(MESSAGES)));
        all.addAll(List.of(options));
        return all;
    }

    /**
     * Runs uclient with wrong credentials against a server of its own: refused credentials from 127.0.0.1 count
     * toward the server's limit of failed authentications per source, which would then hold back the other tests.
     * With {@code -v} uclient prints each Allocate response it gets and the relayed address it is given.
     */
    private static void assertAllocationRefused(Supplier<TurnkitServer> startServer, String... credentials) {
        List<String> options = throughPeer(credentials);
        options.add(0, "-v");
        try (TurnkitServer server = startServer.get()) {
            UclientReport report = TurnutilsUclient.runFor(server, options, REFUSAL_LIMIT);
            assertAll(report.describe() + server.describe(),
                    () -> assertTrue(report.output().contains("allocate response received"), "the server answered"),
                    () -> assertFalse(report.output().contains("Received relay addr"), "no relayed address"),
                    () -> assertNotEquals(0, report.exitCode(), "uclient did not succeed"),
                    () -> assertTrue(report.sent() <= 0, "no message sent"));
        }
    }
}
