package io.turnkit.server.link;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.relay.AllocationEnd;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.server.transport.dtls.DtlsHandshake;
import io.turnkit.server.transport.dtls.DtlsHandshakes;
import io.turnkit.server.transport.dtls.DtlsSession;

/**
 * The DTLS side of one UDP listening socket (RFC 8656 §3.1, RFC 7983 §7): its clients' handshakes under way and
 * their sessions, each keyed by the client's address (with the socket's own address and DTLS, the 5-tuple). Used
 * from the socket's event loop only.
 */
final class DtlsListener {
    private final TurnServices services;
    private final DtlsHandshakes handshakes;
    private final UdpSocket socket;
    private final Map<InetSocketAddress, DtlsHandshake> handshaking = new HashMap<>();
    private final Map<InetSocketAddress, DtlsClientLink> sessions = new HashMap<>();

    DtlsListener(TurnServices services, DtlsHandshakes handshakes, UdpSocket socket) {
        this.services = services;
        this.handshakes = handshakes;
        this.socket = socket;
    }

    /** A DTLS datagram from {@code client}: to its handshake, to its session, or a ClientHello. */
    void datagram(ByteBuf datagram, InetSocketAddress client) {
        DtlsHandshake handshake = handshaking.get(client);
        if (handshake != null) {
            handshake.offer(datagram);
            return;
        }
        DtlsClientLink session = sessions.get(client);
        if (session != null && !DtlsHandshakes.isClientHello(datagram)) {
            session.receive(datagram);
            return;
        }
        // RFC 6347 §4.2.8: a ClientHello from a client with a session (it restarted) starts a new handshake; the
        // old session ends only once the new one is up, so a forged hello cannot end it.
        handshake = handshakes.accept(datagram, client, socket, up -> established(client, up));
        if (handshake != null) {
            handshaking.put(client, handshake);
        }
    }

    private void established(InetSocketAddress client, DtlsSession session) {
        handshaking.remove(client);
        if (session == null) {
            return;
        }
        DtlsClientLink link = new DtlsClientLink(services, socket, session, this);
        DtlsClientLink replaced = sessions.put(client, link);
        if (replaced != null) {
            replaced.stopped(AllocationEnd.CONNECTION_CLOSED);
        }
        link.receive(null);
    }

    void ended(InetSocketAddress client, DtlsClientLink link) {
        sessions.remove(client, link);
    }

    /** The socket closed: every session ends, and its allocation with it. */
    void closeAll() {
        sessions.values().forEach(link -> link.stopped(AllocationEnd.SERVER_STOPPED));
        sessions.clear();
        handshaking.clear();
    }
}
