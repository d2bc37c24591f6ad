package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.AdminClient;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.turn.TurnClient;
import io.turnkit.stun.StunErrorCode;

/**
 * Draining the real jar, as an operator takes a server out of a pool: SIGUSR1 or POST /api/drain, after which a
 * new Allocate is refused with 508 while the allocations there keep relaying and refreshing, and the process
 * exits by itself once the last one is deleted, or when the drain timeout passes.
 */
class DrainTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static TurnkitServer server(String... more) {
        List<String> options = new ArrayList<>(List.of("--lt-cred-mech", "--user", USER + ":" + PASSWORD));
        options.addAll(List.of(more));
        return TurnkitServer.withOptions(options);
    }

    @Test
    void shouldRefuseNewAllocationsKeepTheOthersAndExitAfterTheLastOnSigusr1() throws Exception {
        try (TurnkitServer server = server();
                RelayedClient first = RelayedClient.allocate(server, USER, PASSWORD);
                RelayedClient second = RelayedClient.allocate(server, USER, PASSWORD)) {
            first.relayBothWays("before the drain");

            server.signal("USR1");
            server.awaitLineContaining("draining: new allocations refused", WAIT);

            assertRefusedWith508(server);
            first.relayBothWays("during the drain");
            second.relayBothWays("during the drain too");
            assertEquals(Duration.ofMinutes(10), first.refresh(Duration.ofMinutes(10)));
            first.release();
            second.relayBothWays("with one allocation left");
            assertTrue(server.output().contains("turnkit serving"), "still serving with one allocation");
            second.release();

            assertEquals(0, server.awaitExit(WAIT));
            assertTrue(server.output().contains("turnkit stopped: drained, no allocation left"), server.output());
        }
    }

    @Test
    void shouldDrainThroughTheAdminApi() throws Exception {
        try (TurnkitServer server = server("--web-admin", "--web-admin-port", "0");
                RelayedClient client = RelayedClient.allocate(server, USER, PASSWORD)) {
            AdminClient admin = AdminClient.of(server);

            String status = admin.ok("POST", "/api/drain");

            assertTrue(status.contains("\"draining\":true"), status);
            assertRefusedWith508(server);
            client.relayBothWays("while draining");
            client.release();
            assertEquals(0, server.awaitExit(WAIT));
        }
    }

    @Test
    void shouldStopWhenTheDrainTimesOutWithAllocationsLeft() throws Exception {
        try (TurnkitServer server = server("--drain-timeout", "1");
                RelayedClient client = RelayedClient.allocate(server, USER, PASSWORD)) {
            client.relayBothWays("held through the drain");
            server.signal("USR1");

            assertEquals(0, server.awaitExit(WAIT));
            assertTrue(server.output().contains("turnkit stopped: drain timeout, 1 allocations left"), server.output());
        }
    }

    private static void assertRefusedWith508(TurnkitServer server) throws IOException {
        try (TurnClient late = RelayedClient.client(server, USER, PASSWORD)) {
            ErrorResponseException refused = assertThrows(ErrorResponseException.class, late::allocate);
            assertEquals(StunErrorCode.INSUFFICIENT_CAPACITY, refused.errorCode());
        }
    }
}
