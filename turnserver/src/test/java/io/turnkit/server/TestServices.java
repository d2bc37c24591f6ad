package io.turnkit.server;

import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.transport.Transports;

/** A server's shared parts built from {@code config} as a running server builds them, without its sockets. */
public final class TestServices implements AutoCloseable {
    private final ServerContext context;

    public TestServices(ServerConfig config) {
        context = ServerContexts.create(config, Transports.best(), Limits.DEFAULT);
    }

    public TurnServices services() {
        return context.services();
    }

    @Override
    public void close() {
        context.close();
    }
}
