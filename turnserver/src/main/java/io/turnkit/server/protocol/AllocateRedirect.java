package io.turnkit.server.protocol;

import java.net.InetSocketAddress;

import io.turnkit.store.TransportProtocol;

/**
 * Whether an Allocate is served here or sent to another server with 300 (Try Alternate) and ALTERNATE-SERVER
 * (RFC 8489 §10, which RFC 8656 §7.2 lets a TURN server use for Allocate). Asked once per authenticated Allocate
 * that would make an allocation, on the client link's event loop, so an implementation is safe to share between
 * event loops and makes no object per call. A static list is the first; a draining server or a cluster decides
 * per request the same way.
 */
@FunctionalInterface
public interface AllocateRedirect {
    /** Every Allocate is served here. */
    AllocateRedirect NONE = (transport, client) -> null;

    /**
     * The server this client's Allocate goes to, of the client's address family (RFC 8489 §10: the alternate
     * is reached the way the request came), or null to serve it here.
     *
     * @param transport the transport the request came over, whose alternate the client is sent to
     */
    InetSocketAddress alternateServer(TransportProtocol transport, InetSocketAddress client);
}
