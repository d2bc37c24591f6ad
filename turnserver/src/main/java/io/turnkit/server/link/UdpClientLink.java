package io.turnkit.server.link;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.relay.AllocationEnd;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.server.transport.DatagramBurst;
import io.turnkit.server.transport.DatagramReceiver;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.server.transport.dtls.DtlsHandshakes;
import io.turnkit.store.AllocationTable;
import io.turnkit.store.TransportProtocol;

/**
 * One UDP listening socket: every client 5-tuple that reaches it, and the allocations they own, in a table
 * that only this socket's event loop touches.
 */
public final class UdpClientLink extends AbstractClientLink implements DatagramReceiver {
    /**
     * What frames in place may hold between two sends: the receive buffers of one read batch (4 MiB: 8 of epoll's,
     * 64 of NIO's).
     */
    static final int IN_PLACE_BYTES = Transports.DATAGRAMS_PER_BATCH * (ChannelDataHeadroom.HEADROOM + Transports.MAX_DATAGRAM);
    private final AllocationTable<RelayAllocation> allocations = new AllocationTable<>();
    private UdpSocket socket;
    /** Frames to clients: a run of frames to one client, such as a peer's burst, leaves in one GSO send. */
    private DatagramBurst toClient;
    /** The bytes of relay receive buffers that frames taken in place since the last send hold. */
    private int inPlaceBytes;
    /** Whether the socket kept frames after the last send (the kernel's send buffer was full). */
    private boolean backlogged;

    /** Whether the kernel takes UDP_SEGMENT sends, so that runs of frames to one client leave in one send. */
    private final boolean segmentation;
    /** RFC 5780's listeners, this one among them once bound; null without RFC 5780. */
    private final UdpListeners rfc5780;
    private final TurnServices services;
    /** The server's DTLS handshakes, or null with no-dtls. */
    private final DtlsHandshakes dtlsHandshakes;
    /** The DTLS sessions of this socket's clients; null with no-dtls. */
    private DtlsListener dtls;

    /**
     * @param rfc5780 the listeners of RFC 5780 this one joins once bound, or null
     * @param dtlsHandshakes null to refuse DTLS ({@code no-dtls})
     */
    public UdpClientLink(TurnServices services, boolean segmentation, UdpListeners rfc5780,
            DtlsHandshakes dtlsHandshakes) {
        super(services);
        this.services = services;
        this.segmentation = segmentation;
        this.rfc5780 = rfc5780;
        this.dtlsHandshakes = dtlsHandshakes;
    }

    @Override
    public void bound(UdpSocket listening) {
        socket = listening;
        startServing(listening.eventLoop(), listening.localAddress());
        toClient = new DatagramBurst(listening, segmentation, counters, ServerCounter.GSO_BURSTS_TO_CLIENT);
        if (rfc5780 != null) {
            rfc5780.register(this);
        }
        if (dtlsHandshakes != null) {
            dtls = new DtlsListener(services, dtlsHandshakes, listening);
        }
    }

    @Override
    public void closed() {
        stopServing();
        toClient.discard();
        allocations.forEach(a -> relays.release(a, AllocationEnd.SERVER_STOPPED));
        if (dtls != null) {
            dtls.closeAll();
        }
    }

    /** RFC 8656 §3.1: TURN over DTLS shares the UDP listeners; each session is a link of its own. */
    @Override
    public boolean dtls(ByteBuf datagram, InetSocketAddress client) {
        if (dtls == null) {
            counters.increment(ServerCounter.DTLS_REFUSED);
        } else {
            dtls.datagram(datagram, client);
        }
        return true;
    }

    @Override
    void expire() {
        allocations.expire(System.nanoTime(), a -> relays.release(a, AllocationEnd.EXPIRED));
    }

    @Override
    public void datagram(ByteBuf data, InetSocketAddress sender) {
        read(data, sender);
    }

    @Override
    public TransportProtocol transport() {
        return TransportProtocol.UDP;
    }

    @Override
    public RelayAllocation allocation(InetSocketAddress client) {
        return allocations.get(TransportProtocol.UDP, client, localAddress());
    }

    @Override
    public void add(RelayAllocation allocation) {
        allocations.add(allocation);
    }

    @Override
    public void remove(RelayAllocation allocation) {
        allocations.remove(allocation);
    }

    @Override
    public void write(ByteBuf frame, InetSocketAddress client) {
        toClient.add(frame, client);
    }

    /**
     * Frames in place hold at most {@link #IN_PLACE_BYTES} of receive buffers between two sends, when many
     * relay sockets are read in one event-loop round, and none while the socket has a backlog, which could
     * otherwise keep a buffer per frame.
     */
    @Override
    public boolean admitFramesInPlace(int bufferBytes) {
        if (backlogged || bufferBytes > IN_PLACE_BYTES - inPlaceBytes) {
            return false;
        }
        inPlaceBytes += bufferBytes;
        return true;
    }

    @Override
    void flushNow() {
        toClient.send();
        socket.flush();
        inPlaceBytes = 0;
        backlogged = socket.backlogged();
    }
}
