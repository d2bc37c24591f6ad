package io.turnkit.server.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.transport.BindFailure;
import io.turnkit.server.transport.UdpSocket;
import io.turnkit.store.RelayPortPool;

/**
 * Binds one relay socket on a port of the relay range that no other process holds. The pool knows only this
 * server's ports: another program (another server's range, an outgoing connection's ephemeral port) may hold the
 * one it hands out, and the bind then fails with "address in use". That collision is counted and the next free
 * port is tried, until one binds or the range has none left. The ports that collided stay taken until the walk
 * ends, so each attempt is another port and a walk makes at most as many attempts as the range has ports; the
 * pool hands free ports out in random order, so the walk starts at a random one. Runs on the event loop that binds.
 */
final class RelayPortWalk {
    private final RelayResources relays;
    private final EventLoop loop;
    private final InetAddress ip;
    private final PortChoice choice;
    private final Function<InetSocketAddress, PeerDataHandler> receivers;
    private final Promise<BoundRelay> result;
    private final List<Integer> collided = new ArrayList<>();

    private RelayPortWalk(RelayResources relays, EventLoop loop, InetAddress ip, PortChoice choice,
            Function<InetSocketAddress, PeerDataHandler> receivers) {
        this.relays = relays;
        this.loop = loop;
        this.ip = ip;
        this.choice = choice;
        this.receivers = receivers;
        this.result = loop.newPromise();
    }

    /**
     * Binds on {@code firstPort}, taken from the pool already, else on the next free port of {@code choice};
     * fails once no port is left (or on an error other than a port in use), with every port given back.
     */
    static Future<BoundRelay> bind(RelayResources relays, EventLoop loop, InetAddress ip, PortChoice choice,
            int firstPort, Function<InetSocketAddress, PeerDataHandler> receivers) {
        RelayPortWalk walk = new RelayPortWalk(relays, loop, ip, choice, receivers);
        walk.attempt(firstPort);
        return walk.result;
    }

    private void attempt(int port) {
        RelayPortPool ports = relays.ports();
        if (port < 0) {
            giveBackCollided();
            result.setFailure(new IOException("no relay port of " + ip.getHostAddress() + " is free ("
                    + collided.size() + " held by other processes)"));
            return;
        }
        InetSocketAddress address = new InetSocketAddress(ip, port);
        PeerDataHandler receiver = receivers.apply(address);
        Future<UdpSocket> bound = relays.bindSocket(loop, address, receiver);
        bound.addListener(f -> {
            if (f.isSuccess()) {
                giveBackCollided();
                result.setSuccess(new BoundRelay(address, bound.getNow(), receiver));
                return;
            }
            choice.releaseKept(ports, port);
            if (!BindFailure.isAddressInUse(f.cause())) {
                ports.release(port);
                giveBackCollided();
                result.setFailure(f.cause());
                return;
            }
            relays.counters().increment(ServerCounter.RELAY_PORT_COLLISIONS);
            collided.add(port);
            // Netty runs a listener added to a future that is already done inline only a few levels deep, and
            // queues it on the event loop past that: a long walk through failing binds does not grow the stack.
            attempt(choice.acquire(ports));
        });
    }

    private void giveBackCollided() {
        for (int port : collided) {
            relays.ports().release(port);
        }
    }
}
