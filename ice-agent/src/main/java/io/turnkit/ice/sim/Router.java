package io.turnkit.ice.sim;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A router of a {@link VirtualNetwork}: it holds the addresses of one network (the internet, or a NAT's LAN) and
 * delivers each datagram addressed to one of them to the {@link NetworkNode} there: a host, or a NAT below whose
 * external address it is. Every datagram that enters the router first crosses its link ({@link LinkConditions}).
 * It counts what it drops, by reason.
 */
public class Router {
    /** RFC 6298 §2.1: a TCP sender's first retransmission timeout. */
    private static final long INITIAL_RTO_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** RFC 9293 §3.8.3: a TCP sender retransmits a segment for at least 100 s before it gives up (R2). */
    private static final long R2_NANOS = TimeUnit.SECONDS.toNanos(100);

    final VirtualNetwork network;
    private final String name;
    private final Map<InetAddress, NetworkNode> nodes = new HashMap<>();
    private final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    private long delivered;
    private LinkConditions link = LinkConditions.PERFECT;

    Router(VirtualNetwork network, String name) {
        this.network = network;
        this.name = name;
        network.register(this);
    }

    public String name() {
        return name;
    }

    /** A host on this router's network with these addresses (dotted quads); the first is its primary one. */
    public Host addHost(String hostName, String... addresses) {
        if (addresses.length == 0) {
            throw new IllegalArgumentException("host " + hostName + " needs at least one address");
        }
        Host host = new Host(hostName, this);
        for (String address : addresses) {
            InetAddress ip = VirtualNetwork.ipv4(address);
            attach(ip, host);
            host.addAddress(ip);
        }
        return host;
    }

    /** A NAT whose external address {@code externalAddress} is on this router's network; its LAN is below it. */
    public NatRouter addNat(String natName, String externalAddress, NatConfiguration configuration) {
        InetAddress external = VirtualNetwork.ipv4(externalAddress);
        NatRouter nat = new NatRouter(network, natName, this, external, configuration);
        attach(external, nat);
        return nat;
    }

    /**
     * Puts {@code node} at {@code address} on this router's network: datagrams for that address go to it. Hosts
     * and NATs are attached by {@link #addHost} and {@link #addNat}; a gateway to the real world is attached here.
     *
     * @throws IllegalArgumentException when the address is taken
     */
    public void attach(InetAddress address, NetworkNode node) {
        NetworkNode previous = nodes.putIfAbsent(address, node);
        if (previous != null) {
            throw new IllegalArgumentException(address.getHostAddress() + " is already in use on " + name);
        }
    }

    /**
     * Sends {@code datagram} into this router from a node on its network (a host's socket, or a gateway): it
     * crosses the link, then goes on towards its destination.
     */
    public void inject(Datagram datagram) {
        enter(datagram, this::route);
    }

    /** Replaces the conditions of this router's link, for datagrams that enter from now on. */
    public void setLinkConditions(LinkConditions conditions) {
        this.link = conditions;
    }

    /** How many datagrams this router dropped for {@code reason}. */
    public long drops(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /** How many datagrams this router delivered to a socket of a host on its network. */
    public long delivered() {
        return delivered;
    }

    /**
     * A datagram entering this router: lost on the link, or handed to {@code next} once its time on the link is
     * over (at once, through the clock, when the link is perfect: later datagrams never overtake it then). A TCP
     * segment that the link loses is sent again by its sender after a retransmission timeout, and again after twice
     * that (RFC 6298 §2.1: 1 s at first; §5.5: doubled each time), until one copy crosses; that copy's time on the
     * link is the timeouts waited plus its own transit. The sender gives up, and the segment is lost, once the
     * timeouts would pass R2 (RFC 9293 §3.8.3: at least 100 s).
     */
    void enter(Datagram datagram, Consumer<Datagram> next) {
        long retransmissionWait = 0;
        for (long timeout = INITIAL_RTO_NANOS; link.loses(network.random()); timeout *= 2) {
            if (!datagram.isTcp() || retransmissionWait + timeout > R2_NANOS) {
                drop(DropReason.LOSS);
                return;
            }
            retransmissionWait += timeout;
        }
        network.clock().schedule(retransmissionWait + link.transitNanos(network.random()),
                () -> next.accept(datagram));
    }

    /**
     * Delivers to the node at the destination address, or leaves this network where there is a way out. A datagram
     * for a multicast group goes to every host of this network (the sender's too, as IP_MULTICAST_LOOP does) and
     * no further: the groups simulated are link-local ones (224.0.0.0/24, RFC 5771 §4, like mDNS's 224.0.0.251),
     * which no router forwards.
     */
    void route(Datagram datagram) {
        if (datagram.destination().getAddress().isMulticastAddress()) {
            deliverToGroup(datagram);
            return;
        }
        NetworkNode node = nodes.get(datagram.destination().getAddress());
        if (node != null) {
            node.receive(datagram);
        } else {
            leave(datagram);
        }
    }

    private void deliverToGroup(Datagram datagram) {
        int delivered = 0;
        Set<NetworkNode> seen = new HashSet<>();
        for (NetworkNode node : nodes.values()) {
            if (node instanceof Host host && seen.add(host)) {
                delivered += host.receiveMulticast(datagram);
            }
        }
        if (delivered == 0) {
            drop(DropReason.NO_SOCKET);
        }
    }

    /** A datagram for an address not on this network: the internet has nowhere else to send it. */
    void leave(Datagram datagram) {
        drop(DropReason.NO_ROUTE);
    }

    void drop(DropReason reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    void countDelivered() {
        delivered++;
    }

    @Override
    public String toString() {
        return name;
    }
}
