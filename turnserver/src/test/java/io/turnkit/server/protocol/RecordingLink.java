package io.turnkit.server.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.relay.Relay;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.store.TransportProtocol;

/**
 * A UDP client link without a listening socket: it keeps the frames it is asked to send, so a test reads the
 * responses, and the relayed addresses it is asked to send peers' datagrams from, and holds at most one allocation.
 * Its event loop is a real one, on which an Allocate binds real relay sockets; what it records is read from the
 * test's thread.
 */
final class RecordingLink implements ClientLink {
    static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);

    private final EventLoop eventLoop;
    private final InetSocketAddress local;
    private final List<ByteBuf> sent = new ArrayList<>();
    private final List<InetSocketAddress> destinations = new ArrayList<>();
    private final List<InetSocketAddress> relayedFrom = new ArrayList<>();
    private volatile RelayAllocation allocation;

    RecordingLink(EventLoop eventLoop) {
        this(eventLoop, LOCAL);
    }

    /** A link on {@code local}, one of a server's several listeners, for requests that bind no relay socket. */
    RecordingLink(InetSocketAddress local) {
        this(null, local);
    }

    private RecordingLink(EventLoop eventLoop, InetSocketAddress local) {
        this.eventLoop = eventLoop;
        this.local = local;
    }

    @Override
    public TransportProtocol transport() {
        return TransportProtocol.UDP;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public EventLoop eventLoop() {
        if (eventLoop == null) {
            throw new UnsupportedOperationException("this recording link has no event loop");
        }
        return eventLoop;
    }

    /** The allocation of {@code client}'s 5-tuple, as a UDP link looks it up; another client has none. */
    @Override
    public RelayAllocation allocation(InetSocketAddress client) {
        RelayAllocation held = allocation;
        return held != null && held.client().equals(client) ? held : null;
    }

    @Override
    public void add(RelayAllocation added) {
        allocation = added;
    }

    @Override
    public void remove(RelayAllocation removed) {
        if (allocation == removed) {
            allocation = null;
        }
    }

    @Override
    public synchronized void write(ByteBuf frame, InetSocketAddress client) {
        sent.add(frame);
        destinations.add(client);
        notifyAll();
    }

    @Override
    public void flush() {
    }

    @Override
    public synchronized void relay(Relay relay, ByteBuf payload, InetSocketAddress peer) {
        relayedFrom.add(relay.relayedAddress());
        payload.release();
    }

    /** The frames sent since the last call, which the caller now owns. */
    synchronized List<ByteBuf> takeSent() {
        List<ByteBuf> taken = new ArrayList<>(sent);
        sent.clear();
        destinations.clear();
        return taken;
    }

    /** Waits until a frame was sent (an Allocate is answered once its relay sockets are bound), then takes them. */
    List<ByteBuf> awaitSent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            for (long left = timeout.toMillis(); sent.isEmpty() && left > 0;
                    left = (deadline - System.nanoTime()) / 1_000_000) {
                wait(left);
            }
            assertTrue(!sent.isEmpty(), "nothing sent within " + timeout);
            return takeSent();
        }
    }

    /** The relayed addresses datagrams to peers were sent from, in order, since the last call. */
    synchronized List<InetSocketAddress> takeRelayedFrom() {
        List<InetSocketAddress> taken = new ArrayList<>(relayedFrom);
        relayedFrom.clear();
        return taken;
    }

    /** Where the frames not taken yet go, in order. */
    synchronized List<InetSocketAddress> destinations() {
        return List.copyOf(destinations);
    }
}
