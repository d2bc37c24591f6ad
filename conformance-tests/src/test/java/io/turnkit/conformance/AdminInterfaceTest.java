package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.conformance.support.AdminClient;
import io.turnkit.conformance.support.RelayedClient;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.stun.StunErrorCode;

/**
 * The admin API of the real jar: it answers nobody without the token, lists the allocations clients made with what
 * they relayed, closes one on request, and listens on loopback only unless told otherwise.
 */
class AdminInterfaceTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";

    @TempDir
    Path temp;

    private static TurnkitServer serverWithAdmin(String... more) {
        List<String> options = new ArrayList<>(List.of("--lt-cred-mech", "--user", USER + ":" + PASSWORD,
                "--web-admin", "--web-admin-port", "0"));
        options.addAll(List.of(more));
        return TurnkitServer.withOptions(options);
    }

    @Test
    void shouldRefuseEveryApiRequestWithoutTheToken() {
        try (TurnkitServer server = serverWithAdmin()) {
            AdminClient admin = AdminClient.of(server);

            assertEquals(401, admin.send("GET", "/api/status", null).statusCode());
            assertEquals(401, admin.send("GET", "/api/sessions", admin.token() + "x").statusCode());
            assertEquals(401, admin.send("POST", "/api/drain", "").statusCode());
            assertEquals(401, admin.send("DELETE", "/api/sessions/50000", null).statusCode());
            assertEquals(401, admin.send("POST", "/api/ice-servers", admin.token().substring(1)).statusCode());
            String status = admin.ok("GET", "/api/status");
            assertTrue(status.contains("\"draining\":false"), status);
            assertTrue(status.contains("\"udp 127.0.0.1:" + server.port() + "\""), status);
        }
    }

    @Test
    void shouldTakeTheTokenFromTheTokenFile() throws IOException {
        Path tokenFile = temp.resolve("admin-token");
        Files.writeString(tokenFile, "s3cret-token-of-the-operator\n", StandardCharsets.UTF_8);
        try (TurnkitServer server = serverWithAdmin("--web-admin-token-file", tokenFile.toString())) {
            AdminClient admin = AdminClient.of(server);

            assertEquals(null, admin.token(), "a token from a file is never printed");
            assertEquals(200, admin.send("GET", "/api/status", "s3cret-token-of-the-operator").statusCode());
            assertEquals(401, admin.send("GET", "/api/status", "s3cret-token-of-the-operato").statusCode());
        }
    }

    @Test
    void shouldListTheSessionsAndCloseOneOnItsOwnEventLoop() throws IOException {
        try (TurnkitServer server = serverWithAdmin();
                RelayedClient client = RelayedClient.allocate(server, USER, PASSWORD)) {
            AdminClient admin = AdminClient.of(server);
            client.relayBothWays("through the relay");
            int id = client.allocation().relayedAddress().getPort();

            String sessions = admin.ok("GET", "/api/sessions");
            assertTrue(sessions.contains("\"id\":" + id + ","), sessions);
            assertTrue(sessions.contains("\"user\":\"alice\""), sessions);
            assertTrue(sessions.contains("\"relayed\":[\"127.0.0.1:" + id + "\"]"), sessions);
            assertTrue(sessions.contains("\"peers\":[\"127.0.0.1\"]"), sessions);
            assertTrue(sessions.contains("\"toPeers\":{\"bytes\":17,\"packets\":1}"), sessions);
            assertTrue(sessions.contains("\"toClient\":{\"bytes\":17,\"packets\":1}"), sessions);

            assertEquals(200, admin.send("DELETE", "/api/sessions/" + id).statusCode());
            assertEquals(404, admin.send("DELETE", "/api/sessions/" + id).statusCode());
            assertFalse(admin.ok("GET", "/api/sessions").contains("\"id\":" + id + ","));
            ErrorResponseException refused = assertThrows(ErrorResponseException.class,
                    () -> client.refresh(Duration.ofMinutes(10)));
            assertEquals(StunErrorCode.ALLOCATION_MISMATCH, refused.errorCode());
            server.awaitLineContaining("allocation closed (closed by the operator): user alice",
                    Duration.ofSeconds(10));
        }
    }

    /**
     * Read from the kernel's table of TCP sockets rather than tried: a test sends nothing to addresses other than
     * loopback. The admin port is listened on at 127.0.0.1 and at no other address, the wildcard included.
     */
    @Test
    void shouldListenOnLoopbackOnlyUnlessConfigured() throws IOException {
        try (TurnkitServer server = serverWithAdmin()) {
            AdminClient admin = AdminClient.of(server);
            String port = String.format(":%04X ", admin.page().getPort());

            List<String> listening = new ArrayList<>();
            for (Path table : List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"))) {
                if (Files.exists(table)) {
                    // sl local_address rem_address st ...; st 0A is LISTEN.
                    Files.readAllLines(table).stream().map(String::trim)
                            .filter(line -> line.split("\\s+").length > 3 && line.split("\\s+")[3].equals("0A"))
                            .map(line -> line.split("\\s+")[1] + " ")
                            .filter(local -> local.endsWith(port))
                            .forEach(listening::add);
                }
            }

            // 127.0.0.1, as an IPv4 socket or an IPv6 one bound to its mapped form (::ffff:127.0.0.1).
            assertEquals(1, listening.size(), listening::toString);
            assertTrue(listening.get(0).equals("0100007F" + port)
                    || listening.get(0).equals("0000000000000000FFFF00000100007F" + port), listening::toString);
            assertEquals(200, admin.send("GET", "/api/status").statusCode());
        }
    }
}
