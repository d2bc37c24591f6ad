package io.turnkit.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.turnkit.server.TurnServer;
import io.turnkit.server.config.ServerConfig;

/**
 * A turnkit server in the test's JVM on 127.0.0.1 (UDP and TCP on one free port) for the client commands to talk
 * to; registered with {@code @RegisterExtension}, it is closed after each test.
 */
final class InProcessServer implements AfterEachCallback {
    private TurnServer server;

    /** Starts a server with realm turnkit.test, its user database in {@code dir}, and {@code settings}. */
    void start(Path dir, Consumer<ServerConfig.Builder> settings) {
        ServerConfig.Builder config = ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())
                .listeningPort(0).tlsListeningPort(0))
                .auth(au -> au.realm("turnkit.test")
                .userdb(dir.resolve("turnuserdb.conf")));
        settings.accept(config);
        server = TurnServer.start(config.build());
    }

    /** The port of the UDP or the TCP listener. */
    int port(boolean udp) {
        return server.listeningAddresses(udp).get(0).getPort();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
