package io.turnkit.server.link;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.relay.AllocationEnd;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.server.transport.dtls.DtlsSession;
import io.turnkit.store.TransportProtocol;

/**
 * One DTLS session with a client over a UDP listening socket (RFC 8656 §3.1): its own 5-tuple, so at most one
 * allocation. The records it decrypts are STUN and ChannelData for the protocol as over plain UDP; what goes to
 * the client is encrypted, one message to a record, and leaves through the listening socket. A session that holds
 * no allocation and has been silent for {@link #IDLE_WITHOUT_ALLOCATION_SECONDS} is closed, as an idle TCP
 * connection would be.
 */
final class DtlsClientLink extends FiveTupleLink {
    static final int IDLE_WITHOUT_ALLOCATION_SECONDS = 60;

    private final UdpSocket socket;
    private final DtlsSession session;
    private final DtlsListener listener;
    private final Consumer<ByteBuf> toProtocol;
    private long lastReceived = System.nanoTime();

    DtlsClientLink(TurnServices services, UdpSocket socket, DtlsSession session, DtlsListener listener) {
        super(services);
        this.socket = socket;
        this.session = session;
        this.listener = listener;
        InetSocketAddress client = session.client();
        this.toProtocol = record -> read(record, client);
        startServing(socket.eventLoop(), socket.localAddress());
    }

    /** A datagram of the session's records, or null for those queued while the handshake ended. */
    void receive(ByteBuf datagram) {
        lastReceived = System.nanoTime();
        boolean up = datagram == null ? session.readQueued(toProtocol) : session.receive(datagram, toProtocol);
        readComplete();
        if (!up) {
            end(AllocationEnd.CONNECTION_CLOSED);
        }
    }

    /** Ends the session with a close_notify: its allocation goes with it, as with a TCP connection (RFC 8656 §5). */
    private void end(AllocationEnd why) {
        session.close();
        socket.flush();
        stopped(why);
        listener.ended(session.client(), this);
    }

    /** The session is over, or its socket closed: nothing more is read or sent. */
    void stopped(AllocationEnd why) {
        stopServing();
        releaseAllocation(why);
    }

    @Override
    void expire() {
        super.expire();
        if (!hasAllocation()
                && System.nanoTime() - lastReceived > TimeUnit.SECONDS.toNanos(IDLE_WITHOUT_ALLOCATION_SECONDS)) {
            end(AllocationEnd.CONNECTION_CLOSED);
        }
    }

    @Override
    public TransportProtocol transport() {
        return TransportProtocol.DTLS;
    }

    /** RFC 8656 §12.5: DTLS keeps datagram boundaries, so ChannelData is not padded. */
    @Override
    public boolean isStream() {
        return false;
    }

    @Override
    public void write(ByteBuf frame, InetSocketAddress client) {
        session.send(frame);
    }

    @Override
    void flushNow() {
        socket.flush();
    }
}
