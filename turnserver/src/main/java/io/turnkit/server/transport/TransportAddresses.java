package io.turnkit.server.transport;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

import io.netty.util.NetUtil;

/** Transport addresses as operators write them: {@code 192.0.2.1:3478}, {@code [2001:db8::1]:3478}. */
public final class TransportAddresses {
    private TransportAddresses() {
    }

    /** The IP literal and port, brackets around an IPv6 literal; never a host name lookup. */
    public static String format(InetSocketAddress address) {
        // RFC 5952's short form (::1), not the JDK's eight groups (0:0:0:0:0:0:0:1).
        String host = NetUtil.toAddressString(address.getAddress());
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
