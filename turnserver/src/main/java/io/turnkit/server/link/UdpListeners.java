package io.turnkit.server.link;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.EventLoop;
import io.turnkit.server.protocol.ResponseOrigins;
import io.turnkit.store.TransportProtocol;

/**
 * The UDP listeners of a server that does RFC 5780: every listening address on the primary and the alternate
 * port, each address paired with an alternate of its family (RFC 5780 §4.1), and the listeners of each event
 * loop by local address, so that a CHANGE-REQUEST is answered from the same thread. Listeners register once
 * bound; lookups run on the event loops.
 */
public final class UdpListeners implements ResponseOrigins {
    private final Map<InetAddress, InetAddress> alternateIps;
    private final int primaryPort;
    private final int alternatePort;
    private final Map<ClientLink, InetSocketAddress> otherAddresses = new ConcurrentHashMap<>();
    private final Map<EventLoop, Map<InetSocketAddress, ClientLink>> byLoop = new ConcurrentHashMap<>();

    /**
     * @param addresses the listening addresses: each one's alternate is the next of its family, the last one's the
     *                  first, so that two addresses of a family are each other's alternate
     */
    public UdpListeners(List<InetAddress> addresses, int primaryPort, int alternatePort) {
        this.primaryPort = primaryPort;
        this.alternatePort = alternatePort;
        Map<InetAddress, InetAddress> alternates = new HashMap<>();
        for (boolean ipv4 : new boolean[] {true, false}) {
            List<InetAddress> family = new ArrayList<>();
            addresses.stream().filter(a -> a instanceof Inet4Address == ipv4).forEach(family::add);
            for (int i = 0; family.size() > 1 && i < family.size(); i++) {
                alternates.put(family.get(i), family.get((i + 1) % family.size()));
            }
        }
        this.alternateIps = Map.copyOf(alternates);
    }

    /** Whether {@code address} has an alternate address of its family, and so listens on both ports. */
    public boolean paired(InetAddress address) {
        return alternateIps.containsKey(address);
    }

    /** Adds a listener whose socket is bound; its answers may come from now on. */
    void register(UdpClientLink link) {
        InetSocketAddress local = link.localAddress();
        InetAddress alternateIp = alternateIps.get(local.getAddress());
        if (alternateIp == null) {
            return;
        }
        otherAddresses.put(link, new InetSocketAddress(alternateIp, otherPort(local.getPort())));
        byLoop.computeIfAbsent(link.eventLoop(), loop -> new ConcurrentHashMap<>()).put(local, link);
    }

    @Override
    public InetSocketAddress otherAddress(ClientLink link) {
        return link.transport() == TransportProtocol.UDP ? otherAddresses.get(link) : null;
    }

    /** Allocates the address it looks up: a CHANGE-REQUEST is a diagnostic, rare next to relayed data. */
    @Override
    public ClientLink origin(ClientLink link, boolean changeIp, boolean changePort) {
        InetSocketAddress local = link.localAddress();
        InetAddress ip = changeIp ? alternateIps.get(local.getAddress()) : local.getAddress();
        Map<InetSocketAddress, ClientLink> listeners = byLoop.get(link.eventLoop());
        if (ip == null || listeners == null) {
            return null;
        }
        return listeners.get(new InetSocketAddress(ip, changePort ? otherPort(local.getPort()) : local.getPort()));
    }

    private int otherPort(int port) {
        return port == primaryPort ? alternatePort : primaryPort;
    }
}
