package io.turnkit.ice.driver;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/** The addresses host candidates are gathered on when none are given (RFC 8445 §5.1.1.1). */
public final class HostAddresses {
    private HostAddresses() {
    }

    /**
     * Every address of every interface that is up, except loopback (RFC 8445 §5.1.1.1: loopback addresses are not
     * candidates) and IPv6 link-local ones (their zone makes them useless to a peer); loopback alone when nothing
     * else is there, so a machine with no network still connects to itself.
     */
    public static List<InetAddress> enumerate() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : nic.inetAddresses().toList()) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        addresses.add(address);
                    }
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot list the network interfaces", e);
        }
        if (addresses.isEmpty()) {
            addresses.add(InetAddress.getLoopbackAddress());
        }
        return addresses;
    }
}
