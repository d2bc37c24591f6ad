package io.turnkit.server;

import java.time.Clock;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.transport.Transports;

/** A server's shared parts built from {@code config} as a running server builds them, without its sockets. */
public final class TestServices implements AutoCloseable {
    private final ServerContext context;

    public TestServices(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock the time of nonces and REST API usernames */
    public TestServices(ServerConfig config, Clock clock) {
        context = ServerContexts.create(config, config.listeners().listeningIps(), Transports.best(), clock);
    }

    public TurnServices services() {
        return context.services();
    }

    @Override
    public void close() {
        context.close();
    }
}
