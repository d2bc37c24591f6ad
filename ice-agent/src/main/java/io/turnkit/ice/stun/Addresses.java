package io.turnkit.ice.stun;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.util.NetUtil;

/** Transport addresses as people write them: {@code 192.0.2.1:3478}, {@code [2001:db8::1]:3478}. */
public final class Addresses {
    private Addresses() {
    }

    /** The IP literal and port, brackets around an IPv6 literal; never a host name lookup. */
    public static String format(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return address.getHostString() + ':' + address.getPort();
        }
        String ip = ip(address.getAddress());
        return (address.getAddress() instanceof Inet6Address ? '[' + ip + ']' : ip) + ':' + address.getPort();
    }

    /** The IP literal without brackets; IPv6 in RFC 5952's short form (::1), not the JDK's eight groups. */
    public static String ip(InetAddress address) {
        return NetUtil.toAddressString(address);
    }
}
