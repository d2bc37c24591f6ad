package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.auth.MintedUsers;
import io.turnkit.server.auth.OneTimeUser;
import io.turnkit.server.config.ExternalIp;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.store.credential.FileCredentialStore;
import io.turnkit.store.credential.UserKeys;
import io.turnkit.stun.StunMethod;

/** A server started with an empty user database still sees the users added to it afterwards. */
class OneTimeUserTest {
    private static final String REALM = "turnkit.test";

    @TempDir
    Path temp;

    @Test
    void shouldLetInUsersAddedAfterStartAlongsideTheOneTimeUser() throws Exception {
        Path userdb = temp.resolve("userdb");
        int base = RelayPorts.randomBase();
        ServerConfig config = ServerConfig.builder().listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress()).listeningPort(0).tlsListeningPort(0))
                .auth(au -> au.realm(REALM)).relay(rl -> rl.minPort(base).maxPort(base + RelayPorts.SIZE - 1)).auth(au -> au.userdb(userdb)).build();
        try (TurnServer server = TurnServer.start(config)) {
            InetSocketAddress address = server.listeningAddresses(true).get(0);
            try (FileCredentialStore store = FileCredentialStore.open(userdb)) {
                store.putUser(UserKeys.fromPassword(REALM, "alice", "wonderland", Instant.now()));
            }
            long deadline = System.nanoTime() + 3_000_000_000L;
            TestTurnClient.Response response;
            do {
                try (TestTurnClient client = TestTurnClient.udp(address, "alice", "wonderland")) {
                    response = client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17));
                }
            } while (!response.isSuccess() && System.nanoTime() < deadline && pause());
            assertTrue(response.isSuccess(), "alice, added after start, allocates: " + response);
            assertEquals(1, server.counters().get(ServerCounter.ALLOCATIONS_CREATED));
        }
    }

    @Test
    void shouldListOnlyTheTransportsTheServerListensOn() {
        InetSocketAddress listening = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);
        OneTimeUser user = new OneTimeUser(REALM, "userdb", new MintedUsers(System::nanoTime));

        String udpOnly = user.text(List.of(listening), ServerConfig.builder().auth(au -> au.realm(REALM)).listeners(ls -> ls.noTcp(true)).build());
        String tcpOnly = user.text(List.of(listening), ServerConfig.builder().auth(au -> au.realm(REALM)).listeners(ls -> ls.noUdp(true)).build());

        assertTrue(udpOnly.contains("\"urls\": [\"turn:127.0.0.1:3478?transport=udp\"]"), udpOnly);
        assertTrue(tcpOnly.contains("\"urls\": [\"turn:127.0.0.1:3478?transport=tcp\"]"), tcpOnly);
    }

    @Test
    void shouldGiveThePublicAddressOfAnExternalIp() throws Exception {
        InetSocketAddress listening = new InetSocketAddress(InetAddress.getByName("10.0.0.5"), 3478);
        ServerConfig config = ServerConfig.builder().auth(au -> au.realm(REALM))
                .relay(rl -> rl.addExternalIp(ExternalIp.parse("203.0.113.10/10.0.0.5"))).build();

        String text = new OneTimeUser(REALM, "userdb", new MintedUsers(System::nanoTime)).text(List.of(listening), config);

        assertTrue(text.contains("[\"turn:203.0.113.10:3478?transport=udp\", \"turn:203.0.113.10:3478?transport=tcp\"]"),
                text);
    }

    @Test
    void shouldWriteIpv6InItsShortForm() {
        InetSocketAddress ipv6 = new InetSocketAddress("::1", 3478);

        String text = new OneTimeUser(REALM, "userdb", new MintedUsers(System::nanoTime)).text(List.of(ipv6),
                ServerConfig.builder().auth(au -> au.realm(REALM)).listeners(ls -> ls.noTcp(true)).build());

        assertTrue(text.contains("\"turn:[::1]:3478?transport=udp\""), text);
    }

    /** A quarter second between tries keeps the refused ones under the authentication rate limit. */
    private static boolean pause() {
        LockSupport.parkNanos(250_000_000L);
        return true;
    }
}
