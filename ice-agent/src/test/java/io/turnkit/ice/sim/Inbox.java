package io.turnkit.ice.sim;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What a socket received, in order, with the time each datagram arrived. */
final class Inbox implements VirtualUdpSocket.Receiver {
    record Received(InetSocketAddress from, String text, long nanos) {
    }

    private final List<Received> received = new ArrayList<>();

    /** An inbox that takes what {@code socket} receives. */
    static Inbox of(VirtualUdpSocket socket) {
        Inbox inbox = new Inbox();
        socket.onReceive(inbox);
        return inbox;
    }

    @Override
    public void receive(VirtualUdpSocket socket, InetSocketAddress from, byte[] bytes, long nowNanos) {
        received.add(new Received(from, new String(bytes, StandardCharsets.UTF_8), nowNanos));
    }

    List<Received> all() {
        return received;
    }

    Received last() {
        return received.get(received.size() - 1);
    }

    int size() {
        return received.size();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
