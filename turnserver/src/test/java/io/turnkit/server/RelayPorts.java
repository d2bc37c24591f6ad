package io.turnkit.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import io.turnkit.server.config.ServerConfig;

/**
 * Relay port ranges for tests: 100 ports picked at random below Linux's ephemeral range (32768 and up), so
 * the sockets tests open on port 0 never take the server's relay ports.
 */
public final class RelayPorts {
    public static final int SIZE = 100;

    private RelayPorts() {
    }

    public static int randomBase() {
        return 20_000 + ThreadLocalRandom.current().nextInt(120) * SIZE;
    }

    /**
     * The settings of a test server on 127.0.0.1 (ports picked by the system) with one long-term user, a range of
     * relay ports of its own and its user database under {@code temp}.
     */
    static ServerConfig.Builder loopbackServer(Path temp, String user, String password) {
        int base = randomBase();
        return ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())
                .listeningPort(0).tlsListeningPort(0))
                .auth(au -> au.realm("turnkit.test"))
                .auth(au -> au.user(user, password))
                .relay(rl -> rl.minPort(base)
                .maxPort(base + SIZE - 1))
                .auth(au -> au.userdb(temp.resolve("userdb")));
    }
}
