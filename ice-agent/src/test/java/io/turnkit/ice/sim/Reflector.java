package io.turnkit.ice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;

/**
 * A STUN-like server for the simulator's tests: it answers every datagram with the source address it saw, as
 * {@code ip:port} text, the way a Binding response carries XOR-MAPPED-ADDRESS (RFC 8489 §14.2).
 */
final class Reflector {
    /** More events than any of these tests' exchanges take; reaching it means a datagram loop. */
    static final int IDLE_LIMIT = 1000;

    private Reflector() {
    }

    /** A reflecting socket on {@code host}'s primary address and {@code port}. */
    static VirtualUdpSocket on(Host host, int port) {
        VirtualUdpSocket socket = host.bind(port);
        socket.onReceive((self, from, bytes, nowNanos) -> self.send(from, Inbox.bytes(text(from))));
        return socket;
    }

    static String text(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** The address in an answer's text. */
    static InetSocketAddress address(String text) {
        String[] parts = text.split(":");
        return new InetSocketAddress(VirtualNetwork.ipv4(parts[0]), Integer.parseInt(parts[1]));
    }

    /**
     * Sends a probe from {@code socket} (whose datagrams go to {@code inbox}) to {@code reflector}, runs the
     * network until it is idle, asserts that one answer came and returns the mapped address it reports.
     */
    static String probe(VirtualUdpSocket socket, Inbox inbox, VirtualUdpSocket reflector, SimulatedClock clock) {
        int before = inbox.size();
        socket.send(reflector.localAddress(), Inbox.bytes("binding request"));
        clock.runUntilIdle(IDLE_LIMIT);
        assertEquals(before + 1, inbox.size(), "the reflector at " + reflector.localAddress() + " answered");
        return inbox.last().text();
    }
}
