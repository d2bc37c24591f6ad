package io.turnkit.store.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credential store contract, run against a real three-master Redis Cluster (redis-cluster://), emptied before
 * each test: the keys spread over the masters, and changes still reach every store.
 */
class RedisClusterCredentialStoreContractTest extends CredentialStoreContract {
    @TempDir
    static Path dir;
    private static RedisClusterServers cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterServers.start(dir);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void emptyCluster() {
        for (RedisServer node : cluster.nodes()) {
            assertEquals("+OK", node.call("FLUSHALL"));
        }
    }

    @Override
    StoreLocation location() {
        return cluster.location();
    }

    @Override
    CredentialStore open(Clock clock) throws IOException {
        return RedisCredentialStore.open(location(), clock, RedisCredentialStore.RELOAD_INTERVAL);
    }

    @Test
    void shouldKeepCoturnsKeyNamesOnACluster() throws IOException {
        UserKeys alice = user("alice");
        try (CredentialStore store = open()) {
            assertTrue(store.addUser(alice));
        }

        assertEquals(HexFormat.of().formatHex(alice.md5Key()),
                cluster.call("GET", "turn/realm/" + REALM + "/user/alice/key"), "coturn reads the same key");
    }

    @Test
    void shouldReadUsersFromEveryMaster() throws IOException {
        try (CredentialStore store = open()) {
            for (int i = 0; i < 30; i++) {
                store.putUser(user("user" + i));
            }
        }
        int mastersHoldingKeys = 0;
        for (RedisServer node : cluster.nodes()) {
            mastersHoldingKeys += node.call("DBSIZE").equals(":0") ? 0 : 1;
        }

        try (CredentialStore again = open()) {
            assertEquals(30, again.users().size(), "a load SCANs every master");
        }
        assertEquals(3, mastersHoldingKeys, "30 users' keys hash to every master");
    }
}
