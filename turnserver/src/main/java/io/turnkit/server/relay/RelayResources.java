package io.turnkit.server.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.turnkit.server.metrics.Counters;
import io.turnkit.server.metrics.PerThread;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.server.policy.PeerPolicy;
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
    private final ClusterQuotas clusterQuotas;
    private final ServerCounters counters;
    private final PerThread<LoopRelays> loopRelays = new PerThread<>(LoopRelays::new);
    private final ConnectionIds connectionIds = new ConnectionIds();
    private final Counters<AllocationKind> opened = new Counters<>(AllocationKind.class);
    private final Counters<AllocationKind> closed = new Counters<>(AllocationKind.class);

    /** The resources of a node alone, whose quotas are its own. */
    public RelayResources(Transports transports, RelayPortPool ports, Reservations reservations, Quotas quotas,
            ServerCounters counters) {
        this(transports, ports, reservations, quotas, ClusterQuotas.NONE, counters);
    }

    /** @param clusterQuotas the per-user quota the nodes of a cluster count together */
    public RelayResources(Transports transports, RelayPortPool ports, Reservations reservations, Quotas quotas,
            ClusterQuotas clusterQuotas, ServerCounters counters) {
        this.transports = transports;
        this.ports = ports;
        this.reservations = reservations;
        this.quotas = quotas;
        this.clusterQuotas = clusterQuotas;
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

    public ClusterQuotas clusterQuotas() {
        return clusterQuotas;
    }

    /** Gives back a user's place in this node's quotas and in the cluster's. */
    public void releaseQuota(String username) {
        quotas.release(username);
        clusterQuotas.release(username);
    }

    /** The peer data connections of every TCP allocation that wait for their ConnectionBind (RFC 6062). */
    public ConnectionIds connectionIds() {
        return connectionIds;
    }

    /**
     * The relay of a TCP allocation (RFC 6062) listening on {@code ip}, on the client link's own event loop: on a
     * free port of the range, the next one when another process holds it ({@link RelayPortWalk}); {@code relays}
     * makes the relay, whose incoming peer connections pass its peer policy, for the relayed address tried. It
     * relays once {@link #relayThrough(RelayAllocation, TcpRelay)} said so. Fails when no port can be bound, with
     * every port it took given back.
     */
    public Future<TcpRelay> listen(EventLoop loop, InetAddress ip, Function<InetSocketAddress, TcpRelay> relays) {
        return RelayPortWalk.bind(this, loop, ip, PortChoice.ANY, PortChoice.ANY.acquire(ports), relayed -> {
            TcpRelay relay = relays.apply(relayed);
            return RelayPortWalk.once(loop, relay.listen(loop), listening -> relay);
        });
    }

    /** The relay of a TCP allocation on {@code relayed}, whose incoming peer connections pass {@code peerPolicy}. */
    public TcpRelay tcpRelay(RelayAllocation allocation, PeerPolicy peerPolicy) {
        return new TcpRelay(allocation, transports, connectionIds, peerPolicy, counters);
    }

    /** The TCP relay listens: from now on {@code allocation} relays through it. */
    public void relayThrough(RelayAllocation allocation, TcpRelay relay) {
        allocation.relayThrough(relay);
        loopRelays().add(allocation);
        opened.increment(kindOf(allocation));
    }

    /** The allocations of the calling event loop, by relayed address. */
    public LoopRelays loopRelays() {
        return loopRelays.get();
    }

    ServerCounters counters() {
        return counters;
    }

    /**
     * Binds a relay socket on {@code ip} on the client link's own event loop, so relaying never changes threads: on
     * a free port of {@code choice}, the next one when another process holds it ({@link RelayPortWalk}), or for
     * {@link PortChoice#RESERVED} on {@code reservedPort} only, which the caller claimed. What peers send the socket
     * goes to the receiver {@code receivers} makes for the address tried. Fails when no port can be bound, with
     * every port it took given back.
     */
    public Future<BoundRelay> bind(EventLoop loop, InetAddress ip, PortChoice choice, int reservedPort,
            Function<InetSocketAddress, PeerDataHandler> receivers) {
        int first = choice == PortChoice.RESERVED ? reservedPort : choice.acquire(ports);
        return RelayPortWalk.bind(this, loop, ip, choice, first, relayed -> {
            PeerDataHandler fromPeers = receivers.apply(relayed);
            Future<UdpSocket> bound = transports.bindDatagram(loop, relayed, false, Transports.RELAY_BUFFER_BYTES,
                    fromPeers, counters);
            return RelayPortWalk.once(loop, bound, socket -> new BoundRelay(relayed, socket, fromPeers));
        });
    }

    /**
     * The relay sockets are bound: from now on {@code allocation} relays through them (the first is its relayed
     * address, a second one of the other family its additional one), and this loop knows it.
     */
    public void relayThrough(RelayAllocation allocation, List<BoundRelay> bound) {
        for (BoundRelay relay : bound) {
            allocation.relayThrough(new Relay(relay.relayedAddress(), relay.socket(), new DatagramBurst(
                    relay.socket(), transports.udpSegmentation(), counters, ServerCounter.GSO_BURSTS_TO_PEER)),
                    relay.fromPeers());
        }
        loopRelays().add(allocation);
        opened.increment(kindOf(allocation));
    }

    /** How many allocations of {@code kind} there are now, summed over the event loops' counters. */
    public long active(AllocationKind kind) {
        return opened.get(kind) - closed.get(kind);
    }

    /** Relay ports taken now, by allocations and by reservations of the next port (RFC 8656 §7.2). */
    public int portsInUse() {
        return ports.capacity() - ports.available();
    }

    private static AllocationKind kindOf(RelayAllocation allocation) {
        return AllocationKind.of(allocation.fiveTuple().transport(), allocation.relayedAddress());
    }

    /**
     * Frees what an allocation holds: its relay sockets, then their ports, and its place in the quotas. Called on
     * the allocation's event loop.
     */
    public void release(RelayAllocation allocation, AllocationEnd end) {
        counters.increment(end.counter());
        closed.increment(kindOf(allocation));
        AllocationLog.closed(allocation, end, System.nanoTime());
        allocation.releaseCachedResponse();
        releaseQuota(allocation.username());
        loopRelays().remove(allocation);
        if (allocation.tcpRelay() != null) {
            int port = allocation.relayedAddress().getPort();
            allocation.tcpRelay().close().addListener(f -> ports.release(port));
            return;
        }
        for (Relay relay : allocation.relays()) {
            relay.toPeers().discard();
            relay.socket().close().addListener(f -> ports.release(relay.port()));
        }
    }

    /**
     * Closes relay sockets no allocation came to use, then gives back their ports, and the one after the first
     * when it was kept for a reservation.
     */
    public void discard(List<BoundRelay> bound, boolean withNext) {
        for (int i = 0; i < bound.size(); i++) {
            int port = bound.get(i).relayedAddress().getPort();
            boolean next = withNext && i == 0;
            bound.get(i).socket().close().addListener(f -> releasePorts(port, next));
        }
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

    /**
     * Closes the calling event loop's allocations of a user who was deleted (RFC 8656 §5: an allocation is its
     * user's, and a user revoked holds none); returns how many. Called on the event loop.
     */
    public int closeUser(String realm, String username) {
        return closeAll(loopRelays().matching(a -> a.username().equals(username) && a.realm().equals(realm)));
    }

    /**
     * Closes the calling event loop's allocations made with credentials a deleted TURN REST API secret of
     * {@code realm} signed; returns how many. Called on the event loop.
     */
    public int closeSignedWith(String realm, String secret) {
        return closeAll(loopRelays().matching(a -> a.signedWith(realm, secret)));
    }

    private int closeAll(List<RelayAllocation> revoked) {
        for (RelayAllocation allocation : revoked) {
            allocation.link().remove(allocation);
            release(allocation, AllocationEnd.CLOSED_BY_OPERATOR);
        }
        return revoked.size();
    }

    /** Closes the listening socket of a TCP relay no allocation came to use, then gives back its port. */
    public void discard(TcpRelay relay) {
        int port = relay.allocation().relayedAddress().getPort();
        relay.close().addListener(f -> ports.release(port));
    }

    /** Gives back a port that was never bound, and the one after it when it was kept for a reservation. */
    private void releasePorts(int port, boolean withNext) {
        ports.release(port);
        if (withNext) {
            ports.release(port + 1);
        }
    }
}
