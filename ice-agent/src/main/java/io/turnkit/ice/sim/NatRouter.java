package io.turnkit.ice.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.turnkit.ice.stun.NatBehavior;

/**
 * A NAT (RFC 4787): a {@link Router} for a LAN of its own, with one external address on its parent's network.
 * A datagram from the LAN to anywhere outside it leaves through a mapping (internal address and port to external
 * port) and comes back in only through a live mapping whose filtering admits its source. Behaviors are chosen by
 * {@link NatConfiguration}. A NAT can sit in another NAT's LAN: that is a double NAT.
 *
 * <p>TCP segments have mappings of their own, made by the same behaviors (RFC 5382 §4 asks the same of TCP as RFC
 * 4787 of UDP), so a TCP connection is opened from inside only: a SYN from outside finds no mapping. A TCP mapping
 * lives as long as an established connection's must (RFC 5382 REQ-5: 2 hours and 4 minutes idle).
 */
public final class NatRouter extends Router implements NetworkNode {
    /** Random external ports come from above the well-known ones. */
    private static final int FIRST_RANDOM_PORT = 1024;
    private static final int PORTS = 65536;
    /** RFC 5382 §5 REQ-5: an established TCP connection's mapping lasts at least 2 hours and 4 minutes idle. */
    private static final Duration TCP_MAPPING_LIFETIME = Duration.ofMinutes(124);

    private final Router parent;
    private final InetAddress external;
    private final NatConfiguration configuration;
    private final Map<MappingKey, Mapping> mappings = new HashMap<>();
    private final Map<ExternalPort, Mapping> mappingsByExternalPort = new HashMap<>();
    /** For a 1:1 NAT: the one inside address that the external address stands for. */
    private InetAddress insideAddress;

    NatRouter(VirtualNetwork network, String name, Router parent, InetAddress external,
            NatConfiguration configuration) {
        super(network, name);
        this.parent = parent;
        this.external = external;
        this.configuration = configuration;
    }

    /** Its address on the parent's network, the source of every mapping. */
    public InetAddress externalAddress() {
        return external;
    }

    public NatConfiguration configuration() {
        return configuration;
    }

    /** How many mappings are alive now (expired ones do not count). */
    public int mappingCount() {
        long now = network.clock().now();
        return (int) mappings.values().stream().filter(mapping -> !expired(mapping, now)).count();
    }

    /** @throws IllegalArgumentException for a second inside address of a 1:1 NAT */
    @Override
    public void attach(InetAddress address, NetworkNode node) {
        if (configuration.oneToOne()) {
            if (insideAddress != null) {
                throw new IllegalArgumentException("the 1:1 NAT " + name() + " stands for "
                        + insideAddress.getHostAddress() + " alone");
            }
            insideAddress = address;
        }
        super.attach(address, node);
    }

    /** A datagram from the parent's network for the external address: it crosses this router's link, then in. */
    @Override
    public void receive(Datagram datagram) {
        enter(datagram, this::admit);
    }

    /** A datagram from the LAN for an address outside it: through a mapping, out to the parent (or hairpinned). */
    @Override
    void leave(Datagram datagram) {
        if (configuration.udpBlocked() && !datagram.isTcp()) {
            drop(DropReason.UDP_BLOCKED);
            return;
        }
        boolean hairpin = datagram.destination().getAddress().equals(external);
        if (hairpin && !configuration.hairpinning()) {
            drop(DropReason.HAIRPINNING_OFF);
            return;
        }
        Datagram translated = datagram.withSource(outboundSource(datagram));
        if (hairpin) {
            // RFC 4787 §6 REQ-9: the hairpinned datagram comes back in with the sender's external address as its
            // source, through the receiver's mapping and its filtering, as if from outside.
            admit(translated);
        } else {
            parent.inject(translated);
        }
    }

    /** The external source for a datagram leaving: its mapping's, made or refreshed (RFC 4787 §4.3 REQ-6). */
    private InetSocketAddress outboundSource(Datagram datagram) {
        InetSocketAddress internal = datagram.source();
        if (configuration.oneToOne()) {
            return new InetSocketAddress(external, internal.getPort());
        }
        long now = network.clock().now();
        MappingKey key = new MappingKey(datagram.isTcp(), internal, scope(datagram.destination()));
        Mapping mapping = mappings.get(key);
        if (mapping != null && expired(mapping, now)) {
            forget(mapping);
            mapping = null;
        }
        if (mapping == null) {
            int port = externalPort(key.tcp(), internal.getPort(), now);
            long lifetime = (key.tcp() ? TCP_MAPPING_LIFETIME : configuration.mappingLifetime()).toNanos();
            mapping = new Mapping(key, new InetSocketAddress(external, port), lifetime);
            mappings.put(key, mapping);
            mappingsByExternalPort.put(new ExternalPort(key.tcp(), port), mapping);
        }
        mapping.lastOutboundNanos = now;
        mapping.contacted(datagram.destination());
        return mapping.external;
    }

    /** A datagram for the external address: to its inside destination if a live mapping admits its source. */
    private void admit(Datagram datagram) {
        if (configuration.udpBlocked() && !datagram.isTcp()) {
            drop(DropReason.UDP_BLOCKED);
            return;
        }
        if (configuration.oneToOne()) {
            if (insideAddress == null) {
                drop(DropReason.NO_ROUTE);
            } else {
                route(datagram.withDestination(
                        new InetSocketAddress(insideAddress, datagram.destination().getPort())));
            }
            return;
        }
        Mapping mapping = mappingsByExternalPort.get(
                new ExternalPort(datagram.isTcp(), datagram.destination().getPort()));
        if (mapping != null && expired(mapping, network.clock().now())) {
            forget(mapping);
            mapping = null;
        }
        if (mapping == null) {
            drop(DropReason.NO_MAPPING);
        } else if (!mapping.admits(datagram.source(), configuration.filtering())) {
            drop(DropReason.FILTERED);
        } else {
            route(datagram.withDestination(mapping.key.internal()));
        }
    }

    /** RFC 4787 §4.1: the part of the destination that selects a mapping. */
    private InetSocketAddress scope(InetSocketAddress destination) {
        return switch (configuration.mapping()) {
            case ENDPOINT_INDEPENDENT -> null;
            case ADDRESS_DEPENDENT -> new InetSocketAddress(destination.getAddress(), 0);
            case ADDRESS_AND_PORT_DEPENDENT -> destination;
        };
    }

    /** RFC 4787 §4.2.1: the internal port when preserving and free, else a random free one. */
    private int externalPort(boolean tcp, int internalPort, long now) {
        if (configuration.portAssignment() == NatConfiguration.PortAssignment.PRESERVING
                && portFree(new ExternalPort(tcp, internalPort), now)) {
            return internalPort;
        }
        for (int tried = 0; tried < PORTS; tried++) {
            int port = FIRST_RANDOM_PORT + network.random().nextInt(PORTS - FIRST_RANDOM_PORT);
            if (portFree(new ExternalPort(tcp, port), now)) {
                return port;
            }
        }
        throw new IllegalStateException("NAT " + name() + " has no free external port left");
    }

    private boolean portFree(ExternalPort port, long now) {
        Mapping holder = mappingsByExternalPort.get(port);
        if (holder != null && expired(holder, now)) {
            forget(holder);
            holder = null;
        }
        return holder == null;
    }

    private boolean expired(Mapping mapping, long now) {
        return now - mapping.lastOutboundNanos >= mapping.lifetimeNanos;
    }

    private void forget(Mapping mapping) {
        mappings.remove(mapping.key);
        mappingsByExternalPort.remove(new ExternalPort(mapping.key.tcp(), mapping.external.getPort()));
    }

    /**
     * An internal endpoint of UDP or TCP and the destination scope it was used for ({@code null}: any destination).
     */
    private record MappingKey(boolean tcp, InetSocketAddress internal, InetSocketAddress scope) {
    }

    /** An external port of UDP or TCP: the two are apart. */
    private record ExternalPort(boolean tcp, int port) {
    }

    /** A NAT mapping and the destinations it sent to, which its filtering admits back (RFC 4787 §5). */
    private static final class Mapping {
        final MappingKey key;
        final InetSocketAddress external;
        final Set<InetAddress> contactedAddresses = new HashSet<>();
        final Set<InetSocketAddress> contactedEndpoints = new HashSet<>();
        final long lifetimeNanos;
        long lastOutboundNanos;

        Mapping(MappingKey key, InetSocketAddress external, long lifetimeNanos) {
            this.key = key;
            this.external = external;
            this.lifetimeNanos = lifetimeNanos;
        }

        void contacted(InetSocketAddress destination) {
            contactedAddresses.add(destination.getAddress());
            contactedEndpoints.add(destination);
        }

        boolean admits(InetSocketAddress source, NatBehavior.Type filtering) {
            return switch (filtering) {
                case ENDPOINT_INDEPENDENT -> true;
                case ADDRESS_DEPENDENT -> contactedAddresses.contains(source.getAddress());
                case ADDRESS_AND_PORT_DEPENDENT -> contactedEndpoints.contains(source);
            };
        }
    }
}
