package io.turnkit.server.transport;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Transport addresses as operators write them: {@code 192.0.2.1:3478}, {@code [2001:db8::1]:3478}. */
public final class TransportAddresses {
    private TransportAddresses() {
    }

    /** The IP literal and port, brackets around an IPv6 literal; never a host name lookup. */
    public static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
