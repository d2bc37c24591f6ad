package io.turnkit.store;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The 5-tuple that names an allocation (RFC 8656 §2): the client's transport address, the server's
 * transport address and the transport protocol between them. Immutable.
 */
public final class FiveTuple {
    private final TransportProtocol transport;
    private final InetSocketAddress client;
    private final InetSocketAddress server;
    private final int hash;

    private FiveTuple(TransportProtocol transport, InetSocketAddress client, InetSocketAddress server) {
        this.transport = transport;
        this.client = client;
        this.server = server;
        this.hash = hash(transport, client, server);
    }

    /** The 5-tuple of a client reaching a server over a transport; no argument may be null. */
    public static FiveTuple of(TransportProtocol transport, InetSocketAddress client, InetSocketAddress server) {
        return new FiveTuple(Objects.requireNonNull(transport, "transport"),
                Objects.requireNonNull(client, "client"), Objects.requireNonNull(server, "server"));
    }

    public TransportProtocol transport() {
        return transport;
    }

    /** The client's transport address as the server sees it (after any NAT). */
    public InetSocketAddress client() {
        return client;
    }

    /** The server's transport address the client sent to. */
    public InetSocketAddress server() {
        return server;
    }

    /**
     * Whether this 5-tuple is made of these parts: {@link #equals} without a {@code FiveTuple} to
     * compare with, so that a lookup need not build one.
     */
    boolean matches(TransportProtocol otherTransport, InetSocketAddress otherClient, InetSocketAddress otherServer) {
        return transport == otherTransport && client.equals(otherClient) && server.equals(otherServer);
    }

    /** The hash of a 5-tuple made of these parts; {@link #hashCode()} and lookups share it. */
    static int hash(TransportProtocol transport, InetSocketAddress client, InetSocketAddress server) {
        // The ordinal, not the enum's identity hash: the same 5-tuple hashes the same in every run.
        return 31 * (31 * transport.ordinal() + client.hashCode()) + server.hashCode();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FiveTuple that && that.matches(transport, client, server);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return transport + " " + client + " -> " + server;
    }
}
