package io.turnkit.server;

import java.net.InetAddress;
import java.nio.file.Path;

import io.turnkit.server.config.ServerConfig;

/**
 * The configuration the listener tests start servers with: on the loopback address, on any free ports, with one
 * user, loopback peers allowed, and a relay port range of their own.
 */
final class LoopbackServers {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final String USER = "alice";
    static final String PASSWORD = "wonderland";

    private LoopbackServers() {
    }

    /** @param temp a directory of the test's own, for the user database */
    static ServerConfig.Builder config(Path temp) {
        int base = RelayPorts.randomBase();
        return ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(LOOPBACK)
                .listeningPort(0).tlsListeningPort(0))
                .auth(au -> au.realm("turnkit.test")
                .user(USER, PASSWORD))
                .peers(pe -> pe.allowLoopbackPeers(true))
                .relay(rl -> rl.minPort(base)
                .maxPort(base + RelayPorts.SIZE - 1))
                .auth(au -> au.userdb(temp.resolve("userdb")));
    }
}
