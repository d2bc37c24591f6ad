package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.stun.StunMethod;

/**
 * The admin API's credentials for the page's "test this server" panel: minted by the server, they let a TURN
 * client allocate, whether the server signs them with a REST API secret or makes a short-lived user.
 */
class TestCredentialsTest {
    private static final String TOKEN = "operator-token";
    private static final Pattern MEMBER = Pattern.compile("\"(username|credential)\":\"([^\"]*)\"");

    @TempDir
    Path temp;

    private TurnServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<ServerConfig.Builder> auth) throws IOException {
        Path token = temp.resolve("token");
        Files.writeString(token, TOKEN + "\n");
        int base = RelayPorts.randomBase();
        ServerConfig.Builder builder = ServerConfig.builder().listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())
                .listeningPort(0).tlsListeningPort(0).noTls(true)).auth(au -> au.realm("turnkit.test")).relay(rl -> rl.minPort(base).maxPort(base + 99))
                .auth(au -> au.userdb(temp.resolve("userdb"))).admin(ad -> ad.webAdmin(true).webAdminPort(0).tokenFile(token));
        auth.accept(builder);
        server = TurnServer.start(builder.build());
    }

    private String iceServers() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + "/api/ice-servers"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private boolean allocates(String iceServers) throws IOException {
        Matcher members = MEMBER.matcher(iceServers);
        String username = members.find() ? members.group(2) : null;
        String credential = members.find() ? members.group(2) : null;
        InetSocketAddress udp = server.listeningAddresses(true).get(0);
        try (TestTurnClient client = TestTurnClient.udp(udp, username, credential)) {
            return client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)).isSuccess();
        }
    }

    @Test
    void shouldMintAShortLivedUserThatAllocates() throws Exception {
        start(config -> config.auth(au -> au.user("alice", "wonderland")));

        String iceServers = iceServers();

        int port = server.listeningAddresses(true).get(0).getPort();
        assertTrue(iceServers.contains("\"urls\":[\"stun:127.0.0.1:" + port + "\",\"turn:127.0.0.1:" + port
                + "?transport=udp\",\"turn:127.0.0.1:" + port + "?transport=tcp\"]"), iceServers);
        assertTrue(iceServers.contains("\"username\":\"admin-test-"), iceServers);
        assertTrue(allocates(iceServers), iceServers);
    }

    @Test
    void shouldSignARestApiCredentialWithTheSecret() throws Exception {
        start(config -> config.auth(au -> au.useAuthSecret(true).addStaticAuthSecret("rest-secret")));

        String iceServers = iceServers();

        assertTrue(Pattern.compile("\"username\":\"\\d+:admin-test\"").matcher(iceServers).find(), iceServers);
        assertTrue(allocates(iceServers), iceServers);
    }
}
