package io.turnkit.conformance;

import static io.turnkit.conformance.support.LoopbackPorts.LOOPBACK_IP;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.MetricsEndpoint;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.TurnutilsPeer;
import io.turnkit.conformance.support.TurnutilsUclient;
import io.turnkit.conformance.support.UclientReport;
import io.turnkit.server.metrics.PrometheusText;

/**
 * turnkit's Prometheus endpoint scraped before and after coturn's turnutils_uclient relays through the server:
 * every scrape parses by the text format's rules, and the counters move by what uclient says it did.
 */
class PrometheusMetricsTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "metrics-password";
    private static final int MESSAGES = 50;
    /** uclient's default message size (-l). */
    private static final int MESSAGE_BYTES = 100;
    /** The counts of the server's event loops reach a scrape soon after, not at once. */
    private static final Duration SETTLE = Duration.ofSeconds(20);

    private static TurnkitServer server;
    private static TurnutilsPeer peer;
    private static MetricsEndpoint metrics;

    @BeforeAll
    static void start() {
        peer = TurnutilsPeer.start();
        metrics = MetricsEndpoint.onFreePort();
        List<String> options = new ArrayList<>(List.of("--user", USER + ":" + PASSWORD));
        options.addAll(metrics.options());
        server = TurnkitServer.withOptions(options);
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(server, peer);
    }

    @Test
    void shouldCountChannelDataOverUdpAsUclientSentIt() throws Exception {
        PrometheusText before = metrics.scrape();
        UclientReport report = TurnutilsUclient.run(server, uclient());
        report.assertAllDelivered(2 * MESSAGES, server.describe());
        PrometheusText after = PrometheusText.until(metrics::scrape, t -> t.increase(before,
                "turnkit_relayed_packets_total", "direction", "to_client", "path", "channel_data") >= report.received(),
                SETTLE);

        assertAll(report.describe() + server.describe(),
                () -> assertEquals(relayedAddresses(report),
                        after.increase(before, "turnkit_allocations_started_total"),
                        "allocations: one per relayed address uclient got"),
                () -> assertTrue(after.increase(before, "turnkit_relayed_packets_total", "direction", "to_peer", "path",
                        "channel_data") >= report.sent(), "ChannelData to the peer"),
                () -> assertTrue(after.increase(before, "turnkit_relayed_bytes_total", "direction", "to_peer", "path",
                        "channel_data") >= report.sent() * MESSAGE_BYTES, "bytes to the peer"),
                () -> assertTrue(after.increase(before, "turnkit_relayed_packets_total", "direction", "to_client",
                        "path", "channel_data") >= report.received(), "ChannelData to the client"),
                () -> assertEquals(0, after.increase(before, "turnkit_relayed_packets_total", "direction", "to_peer",
                        "path", "send_data"), "no Send indication"),
                () -> assertTrue(after.increase(before, "turnkit_auth_results_total", "result", "authenticated")
                        >= relayedAddresses(report), "each Allocate authenticated"),
                () -> assertEquals(0, after.increase(before, "turnkit_malformed_total", "kind", "stun")),
                () -> assertEquals(0, after.increase(before, "turnkit_auth_results_total", "result", "bad_integrity")));
    }

    @Test
    void shouldCountSendIndicationsOverTcpAsUclientSentThem() throws Exception {
        PrometheusText before = metrics.scrape();
        // -t: over TCP; -s: Send indications out, and with no channel, Data indications back (RFC 8656 §11).
        UclientReport report = TurnutilsUclient.run(server, uclient("-t", "-s"));
        report.assertAllDelivered(2 * MESSAGES, server.describe());
        PrometheusText after = PrometheusText.until(metrics::scrape, t -> t.increase(before,
                "turnkit_relayed_packets_total", "direction", "to_client", "path", "send_data") >= report.received(),
                SETTLE);

        assertAll(report.describe() + server.describe(),
                () -> assertTrue(after.increase(before, "turnkit_relayed_packets_total", "direction", "to_peer", "path",
                        "send_data") >= report.sent(), "Send indications to the peer"),
                () -> assertTrue(after.increase(before, "turnkit_relayed_bytes_total", "direction", "to_client", "path",
                        "send_data") >= report.received() * MESSAGE_BYTES, "Data indications' bytes"),
                () -> assertEquals(relayedAddresses(report),
                        after.increase(before, "turnkit_connections_accepted_total",
                        "transport", "tcp"), "one TCP connection per allocation"),
                () -> assertEquals(relayedAddresses(report),
                        after.increase(before, "turnkit_allocations_started_total"),
                        "allocations: one per relayed address uclient got"));
    }

    @Test
    void shouldCountAWrongPasswordByItsReason() throws Exception {
        PrometheusText before = metrics.scrape();
        UclientReport report = TurnutilsUclient.runFor(server, uclient("-w", "wrong-password"), Duration.ofSeconds(5));
        PrometheusText after = PrometheusText.until(metrics::scrape, t -> t.increase(before,
                "turnkit_auth_results_total", "result", "bad_integrity") > 0, SETTLE);

        assertAll(report.describe() + server.describe(),
                () -> assertEquals(0, relayedAddresses(report), "no allocation"),
                () -> assertEquals(0, after.increase(before, "turnkit_allocations_started_total")),
                () -> assertTrue(after.increase(before, "turnkit_auth_results_total", "result", "bad_integrity") >= 1),
                () -> assertTrue(after.increase(before, "turnkit_error_responses_total", "code", "401") >= 2,
                        "a challenge, then the refusal"));
    }

    /** uclient's options: verbose (it names each relayed address), through the peer, with the user's password. */
    private static List<String> uclient(String... more) {
        List<String> options = new ArrayList<>(List.of("-v", "-e", LOOPBACK_IP, "-r", Integer.toString(peer.port()),
                "-n", Integer.toString(MESSAGES), "-u", USER, "-w", PASSWORD));
        options.addAll(List.of(more));
        return options;
    }

    /** The allocations uclient made: it prints each relayed address it was given. */
    private static long relayedAddresses(UclientReport report) {
        return report.output().lines().filter(line -> line.contains("Received relay addr")).count();
    }
}
