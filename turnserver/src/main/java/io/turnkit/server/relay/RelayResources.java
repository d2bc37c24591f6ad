package io.turnkit.server.relay;

import java.net.InetSocketAddress;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.turnkit.server.metrics.PerThread;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.transport.DatagramBurst;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.store.Quotas;
import io.turnkit.store.RelayPortPool;
import io.turnkit.store.Reservations;

/**
 * What allocations take and give back (RFC 8656 §7.2): relay ports, reservations of the next port, each
 * user's place in the quotas, relay sockets, and each event loop's table of its allocations. Safe to use
 * from any event loop.
 */
public final class RelayResources {
    private final Transports transports;
    private final RelayPortPool ports;
    private final Reservations reservations;
    private final Quotas quotas;
    private final ServerCounters counters;
    private final PerThread<LoopRelays> loopRelays = new PerThread<>(LoopRelays::new);

    public RelayResources(Transports transports, RelayPortPool ports, Reservations reservations, Quotas quotas,
            ServerCounters counters) {
        this.transports = transports;
        this.ports = ports;
        this.reservations = reservations;
        this.quotas = quotas;
        this.counters = counters;
    }

    public RelayPortPool ports() {
        return ports;
    }

    public Reservations reservations() {
        return reservations;
    }

    public Quotas quotas() {
        return quotas;
    }

    /** The allocations of the calling event loop, by relayed address. */
    public LoopRelays loopRelays() {
        return loopRelays.get();
    }

    /**
     * Binds a relay socket on the client link's own event loop, so relaying never changes threads; what peers
     * send it goes to {@code fromPeers}.
     */
    public Future<UdpSocket> bind(EventLoop loop, InetSocketAddress address, PeerDataHandler fromPeers) {
        return transports.bindDatagram(loop, address, false, Transports.RELAY_BUFFER_BYTES, fromPeers, counters);
    }

    /** The relay socket is bound: from now on {@code allocation} relays through it, and this loop knows it. */
    public void relayThrough(RelayAllocation allocation, UdpSocket relay, PeerDataHandler fromPeers) {
        allocation.relayThrough(relay, new DatagramBurst(relay, transports.udpSegmentation(), counters,
                ServerCounter.GSO_BURSTS_TO_PEER), fromPeers);
        loopRelays().add(allocation);
    }

    /**
     * Frees what an allocation holds: its relay socket, then its port, and its place in the quotas. Called on
     * the allocation's event loop.
     */
    public void release(RelayAllocation allocation, AllocationEnd end) {
        counters.increment(end.counter());
        AllocationLog.closed(allocation, end, System.nanoTime());
        allocation.releaseCachedResponse();
        allocation.peerBurst().discard();
        loopRelays().remove(allocation);
        quotas.release(allocation.username());
        allocation.relaySocket().close().addListener(f -> ports.release(allocation.relayPort()));
    }

    /**
     * Closes the calling event loop's allocation relayed on {@code port}, as a Refresh with LIFETIME 0 would
     * (RFC 8656 §8.2); false when this loop has none there. Called on the event loop, never from another thread.
     */
    public boolean closeByOperator(int port) {
        RelayAllocation allocation = loopRelays().atPort(port);
        if (allocation == null) {
            return false;
        }
        allocation.link().remove(allocation);
        release(allocation, AllocationEnd.CLOSED_BY_OPERATOR);
        return true;
    }

    /** Gives back a port that was never bound, and the one after it when it was kept for a reservation. */
    public void releasePorts(int port, boolean withNext) {
        ports.release(port);
        if (withNext) {
            ports.release(port + 1);
        }
    }
}
