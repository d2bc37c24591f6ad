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
import io.turnkit.store.RelayPortPool;

/**
 * Binds one relay socket on a port of the relay range that no other process holds: a UDP relay socket, or the
 * listening socket of a TCP allocation (RFC 6062 §5.1). The pool knows only this server's ports: another program
 * (another server's range, an outgoing connection's ephemeral port, a listener) may hold the one it hands out,
 * and the bind then fails with "address in use". That collision is counted and the next free port is tried,
 * until one binds or the range has none left. The ports that collided stay taken until the walk ends, so each
 * attempt is another port and a walk makes at most as many attempts as the range has ports; the pool hands free
 * ports out in random order, so the walk starts at a random one. Runs on the event loop that binds.
 *
 * @param <T> what a bind that succeeded gives: the bound relay socket
 */
final class RelayPortWalk<T> {
    private final RelayResources relays;
    private final InetAddress ip;
    private final PortChoice choice;
    private final Function<InetSocketAddress, Future<T>> binds;
    private final Promise<T> result;
    private final List<Integer> collided = new ArrayList<>();

    private RelayPortWalk(RelayResources relays, EventLoop loop, InetAddress ip, PortChoice choice,
            Function<InetSocketAddress, Future<T>> binds) {
        this.relays = relays;
        this.ip = ip;
        this.choice = choice;
        this.binds = binds;
        this.result = loop.newPromise();
    }

    /**
     * Binds with {@code binds} on {@code firstPort}, taken from the pool already, else on the next free port of
     * {@code choice}; fails once no port is left (or on an error other than a port in use), with every port
     * given back.
     */
    static <T> Future<T> bind(RelayResources relays, EventLoop loop, InetAddress ip, PortChoice choice,
            int firstPort, Function<InetSocketAddress, Future<T>> binds) {
        RelayPortWalk<T> walk = new RelayPortWalk<>(relays, loop, ip, choice, binds);
        walk.attempt(firstPort);
        return walk.result;
    }

    /** A bind's outcome as the walk takes it: {@code done}'s failure, or {@code value} of what it gave. */
    static <S, T> Future<T> once(EventLoop loop, Future<S> done, Function<S, T> value) {
        Promise<T> promise = loop.newPromise();
        done.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(value.apply(done.getNow()));
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    private void attempt(int port) {
        RelayPortPool ports = relays.ports();
        if (port < 0) {
            giveBackCollided();
            result.setFailure(new IOException("no relay port of " + ip.getHostAddress() + " is free ("
                    + collided.size() + " held by other processes)"));
            return;
        }
        Future<T> bound = binds.apply(new InetSocketAddress(ip, port));
        bound.addListener(f -> {
            if (f.isSuccess()) {
                giveBackCollided();
                result.setSuccess(bound.getNow());
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
