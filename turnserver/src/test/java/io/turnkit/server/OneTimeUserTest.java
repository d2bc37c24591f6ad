package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.server.config.ServerConfig;
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
        ServerConfig config = ServerConfig.builder().addListeningIp(InetAddress.getLoopbackAddress()).listeningPort(0).tlsListeningPort(0)
                .realm(REALM).ltCredMech(true).minPort(base).maxPort(base + RelayPorts.SIZE - 1).userdb(userdb).build();
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

    /** A quarter second between tries keeps the refused ones under the authentication rate limit. */
    private static boolean pause() {
        LockSupport.parkNanos(250_000_000L);
        return true;
    }
}
