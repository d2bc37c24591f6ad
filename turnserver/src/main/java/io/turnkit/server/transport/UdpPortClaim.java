package io.turnkit.server.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * Whether a UDP listening address is free for this server alone. The listeners bind with SO_REUSEPORT so that
 * each event loop has its own socket, and that lets any other process of the same user bind the same port: the
 * kernel would then split clients between the two servers without a word. A socket bound without SO_REUSEPORT
 * (nor SO_REUSEADDR) fails on a port any other socket holds, so binding one first, and closing it before the
 * listeners bind, tells a port that is served already from one that is free.
 */
public final class UdpPortClaim {
    private UdpPortClaim() {
    }

    /**
     * Binds and closes an exclusive UDP socket on {@code local}.
     *
     * @return the address bound: {@code local}, with the port the kernel chose where {@code local}'s is 0
     * @throws BindException where another socket holds the port ("Address already in use")
     */
    public static InetSocketAddress claim(InetSocketAddress local) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(local);
            return new InetSocketAddress(local.getAddress(), probe.getLocalPort());
        }
    }
}
