package io.turnkit.ice.sim;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One end of a TCP connection on a {@link VirtualNetwork}: a reliable, ordered flow of bytes, carried as
 * {@link TcpHeader numbered} segments that cross routers and NATs as datagrams do (a firewall that blocks UDP lets
 * them through). The side that connects sends SYN and may write at once: what it writes waits until the SYN-ACK
 * comes back, one round trip later (RFC 9293 §3.5). Segments that overtook each other on a link are put back in
 * order here; a lost one is resent by the link a retransmission timeout later ({@link Router}), so every byte
 * arrives, late. Each {@link #write} is one segment, and the receiver gets each segment's bytes as it arrives in
 * order: a stream's reader must cut its own frames, as on a real connection.
 *
 * <p>Closing (FIN, RST) is not simulated: a connection lasts as long as its network.
 */
public final class VirtualTcpConnection {
    /** Takes the bytes a connection receives. */
    @FunctionalInterface
    public interface Receiver {
        /**
         * @param bytes    the bytes of one segment, in the stream's order, the receiver's to keep
         * @param nowNanos the simulated time of arrival
         */
        void receive(VirtualTcpConnection connection, byte[] bytes, long nowNanos);
    }

    private static final Receiver DISCARD = (connection, bytes, nowNanos) -> { };
    private static final byte[] NO_BYTES = {};

    private final Consumer<Datagram> out;
    private final SimulatedClock clock;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    /** What was written before the connection was established. */
    private final List<byte[]> unsent = new ArrayList<>();
    /** Segments that arrived before one that was sent earlier, by sequence number. */
    private final Map<Long, Datagram> early = new HashMap<>();
    private Receiver receiver = DISCARD;
    private boolean established;
    private long nextSent;
    private long nextExpected;

    private VirtualTcpConnection(Consumer<Datagram> out, SimulatedClock clock, InetSocketAddress localAddress,
            InetSocketAddress remoteAddress) {
        this.out = out;
        this.clock = clock;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
    }

    /** The connecting side: sends SYN through {@code out}; established when the SYN-ACK arrives. */
    static VirtualTcpConnection connect(Consumer<Datagram> out, SimulatedClock clock, InetSocketAddress local,
            InetSocketAddress remote) {
        VirtualTcpConnection connection = new VirtualTcpConnection(out, clock, local, remote);
        connection.sendSegment(TcpHeader.Kind.SYN, NO_BYTES);
        return connection;
    }

    /**
     * The accepting side of the connection that {@code syn} opens, established at once: it answers SYN-ACK into
     * {@code router}. For a node attached to a router that accepts connections itself (a gateway to a real TCP
     * server); it then hands each further segment of the flow to {@link #receive}.
     *
     * @throws IllegalArgumentException when {@code syn} is not a SYN
     */
    public static VirtualTcpConnection accept(Router router, Datagram syn) {
        if (!syn.isTcp() || syn.tcp().kind() != TcpHeader.Kind.SYN) {
            throw new IllegalArgumentException("not a SYN: " + syn);
        }
        VirtualTcpConnection connection = new VirtualTcpConnection(router::inject, router.network.clock(),
                syn.destination(), syn.source());
        connection.nextExpected = syn.tcp().sequenceNumber() + 1;
        connection.established = true;
        connection.sendSegment(TcpHeader.Kind.SYN_ACK, NO_BYTES);
        return connection;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The other end's address, as this end sees it (after any NAT on the way). */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Whether the SYN-ACK has come (always, on the accepting side). */
    public boolean isEstablished() {
        return established;
    }

    /** Sets who takes the bytes this connection receives (until then, they are discarded). */
    public void onReceive(Receiver newReceiver) {
        this.receiver = newReceiver;
    }

    /** Sends a copy of {@code bytes} as one segment, now or once the connection is established. */
    public void write(byte[] bytes) {
        if (established) {
            sendSegment(TcpHeader.Kind.DATA, bytes.clone());
        } else {
            unsent.add(bytes.clone());
        }
    }

    /**
     * Takes a segment of this connection's flow from the network: in order, it is delivered with those that
     * waited for it; early, it waits; a number already delivered is dropped.
     */
    public void receive(Datagram segment) {
        long number = segment.tcp().sequenceNumber();
        if (number < nextExpected) {
            return;
        }
        early.put(number, segment);
        for (Datagram next = early.remove(nextExpected); next != null; next = early.remove(nextExpected)) {
            nextExpected++;
            take(next);
        }
    }

    private void take(Datagram segment) {
        if (segment.tcp().kind() == TcpHeader.Kind.SYN_ACK) {
            established = true;
            unsent.forEach(bytes -> sendSegment(TcpHeader.Kind.DATA, bytes));
            unsent.clear();
        } else if (segment.tcp().kind() == TcpHeader.Kind.DATA) {
            receiver.receive(this, Arrays.copyOf(segment.payload(), segment.payload().length), clock.now());
        }
    }

    private void sendSegment(TcpHeader.Kind kind, byte[] bytes) {
        out.accept(new Datagram(localAddress, remoteAddress, bytes, new TcpHeader(kind, nextSent++)));
    }

    @Override
    public String toString() {
        return "TCP " + localAddress + " -> " + remoteAddress;
    }
}
