package io.turnkit.ice.driver;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;

/**
 * The routing table of a one-port mux, whatever its transport: which agent ({@code T}) a received message is for.
 * An agent is found by the remote address it has been reached from before; a message from any other address must
 * be a Binding request, and reaches the agent whose local ufrag is the first part of its USERNAME (RFC 8445 §7.2.2:
 * "RFRAG:LFRAG" is sent, so the receiver's own ufrag comes first). That address is then learned for the agent.
 *
 * <p>Strangers make no state: the ufrag is read from the buffer in place into one reused key, and what is dropped
 * is only counted. An agent learns at most {@link #MAX_ADDRESSES_PER_AGENT} addresses, so a peer that sprays checks
 * from many ports keeps the table bounded too.
 *
 * <p>Not thread-safe: one event loop owns the table and every agent on it.
 */
final class MuxRoutes<T> {
    /** Remote addresses learned per agent at most (an agent learns 10 peer-reflexive candidates by default). */
    static final int MAX_ADDRESSES_PER_AGENT = 64;

    private final Map<UfragKey, Route> byUfrag = new HashMap<>();
    private final Map<InetSocketAddress, Route> byAddress = new HashMap<>();
    /** Refilled for every lookup by ufrag: the packet path makes no key. */
    private final UfragKey probe = new UfragKey();
    private final long[] dropped = new long[MuxDropReason.values().length];

    /** Routes checks for {@code ufrag} to {@code target}; null when the ufrag is another agent's already. */
    Route join(T target, String ufrag) {
        Route route = new Route(target);
        return route.addUfrag(ufrag) ? route : null;
    }

    /**
     * The route of a message from {@code sender}: by its address, else by the USERNAME of the Binding request in
     * {@code message} (whose indexes are not moved), learning the address; null when there is none (counted).
     */
    Route route(InetSocketAddress sender, ByteBuf message) {
        Route route = byAddress.get(sender);
        if (route != null) {
            return route;
        }
        route = byUsername(message);
        if (route == null) {
            return null;
        }
        if (route.addresses.size() >= MAX_ADDRESSES_PER_AGENT) {
            dropped[MuxDropReason.ADDRESS_LIMIT.ordinal()]++;
            return null;
        }
        route.addresses.add(sender);
        byAddress.put(sender, route);
        return route;
    }

    /** The route a Binding request is for, by its USERNAME's local ufrag; null when there is none (counted). */
    Route byUsername(ByteBuf message) {
        if (!StunUsername.localUfrag(message, probe)) {
            dropped[MuxDropReason.UNKNOWN_SENDER.ordinal()]++;
            return null;
        }
        Route route = byUfrag.get(probe);
        if (route == null) {
            dropped[MuxDropReason.UNKNOWN_UFRAG.ordinal()]++;
        }
        return route;
    }

    /** Counts something dropped outside the table (a TCP mux's connections). */
    void count(MuxDropReason reason) {
        dropped[reason.ordinal()]++;
    }

    long dropped(MuxDropReason reason) {
        return dropped[reason.ordinal()];
    }

    /** The ufrags routed (an agent in an ICE restart has two). */
    int ufragCount() {
        return byUfrag.size();
    }

    /** The remote addresses learned. */
    int addressCount() {
        return byAddress.size();
    }

    /** An agent's place in the table: its ufrags and the remote addresses routed to it. */
    final class Route {
        /** The current ufrag and, during an ICE restart, the one before (RFC 8445 §9: checks on both arrive). */
        private static final int UFRAGS = 2;

        private final T target;
        private final ArrayDeque<UfragKey> ufrags = new ArrayDeque<>(UFRAGS);
        private final List<InetSocketAddress> addresses = new ArrayList<>();

        private Route(T target) {
            this.target = target;
        }

        T target() {
            return target;
        }

        /**
         * Routes the agent's new ufrag (an ICE restart) too, and forgets the one before the previous; false, and
         * nothing changed, when another agent has that ufrag (two agents given the same credentials).
         */
        boolean addUfrag(String ufrag) {
            UfragKey key = new UfragKey(ufrag);
            Route owner = byUfrag.putIfAbsent(key, this);
            if (owner != null && owner != this) {
                return false;
            }
            if (ufrags.size() == UFRAGS) {
                byUfrag.remove(ufrags.removeFirst(), this);
            }
            ufrags.addLast(key);
            return true;
        }

        /** Forgets the agent's ufrags and addresses: once it is closed, nothing reaches it. */
        void leave() {
            ufrags.forEach(k -> byUfrag.remove(k, this));
            addresses.forEach(a -> byAddress.remove(a, this));
            ufrags.clear();
            addresses.clear();
        }
    }
}
