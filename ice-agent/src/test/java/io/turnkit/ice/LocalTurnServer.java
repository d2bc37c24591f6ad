package io.turnkit.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Consumer;

import io.turnkit.server.TurnServer;
import io.turnkit.server.config.ServerConfig;

/**
 * An in-process turnkit server on 127.0.0.1, UDP and TCP on one free port and TLS on another (with a self-signed
 * certificate unless the settings name one), with one user.
 */
public final class LocalTurnServer implements AutoCloseable {
    public static final String USER = "alice";
    public static final String PASSWORD = "wonderland";
    public static final String REALM = "turnkit.test";

    private final TurnServer server;

    private LocalTurnServer(TurnServer server) {
        this.server = server;
    }

    /** Starts a server; {@code settings} adjusts the configuration (the user database goes to {@code dir}). */
    public static LocalTurnServer start(Path dir, Consumer<ServerConfig.Builder> settings) {
        ServerConfig.Builder builder = ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(InetAddress.getLoopbackAddress())
                .listeningPort(0).tlsListeningPort(0))
                .auth(au -> au.realm(REALM))
                .auth(au -> au.user(USER, PASSWORD)
                .userdb(dir.resolve("turnuserdb.conf")));
        settings.accept(builder);
        return new LocalTurnServer(TurnServer.start(builder.build()));
    }

    public InetSocketAddress udp() {
        return server.listeningAddresses(true).get(0);
    }

    public InetSocketAddress tcp() {
        return server.listeningAddresses(false).get(0);
    }

    /** The TLS port (RFC 8656 §3.1: TURN over TLS), on a free port of its own. */
    public InetSocketAddress tls() {
        return server.tlsListeningAddresses().get(0);
    }

    public TurnServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
