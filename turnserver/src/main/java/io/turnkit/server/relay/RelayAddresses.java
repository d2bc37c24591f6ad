package io.turnkit.server.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import io.turnkit.server.config.AddressFamily;
import io.turnkit.server.config.ExternalIp;
import io.turnkit.stun.AddressAttribute;

/**
 * Where allocations relay from, and how clients must see it: the configured relay IPs (coturn's --relay-ip),
 * else the listening addresses, as coturn does; the family an Allocate that names none gets (coturn's
 * allocation-default-address-family); and, behind a 1:1 NAT, the public address of a relayed one
 * (--external-ip). A mapping without a private address applies to every relay address of its family.
 */
public final class RelayAddresses {
    private final List<InetAddress> relayIps;
    private final List<InetAddress> listeningIps;
    private final List<ExternalIp> mappings;
    private final AddressFamily defaultFamily;

    /**
     * @param listeningIps  the concrete addresses the server listens on, where allocations relay from when no
     *                      relay IP is configured
     * @param defaultFamily the relayed family of an Allocate without REQUESTED-ADDRESS-FAMILY
     */
    public RelayAddresses(List<InetAddress> relayIps, List<InetAddress> listeningIps, List<ExternalIp> mappings,
            AddressFamily defaultFamily) {
        this.relayIps = List.copyOf(relayIps);
        this.listeningIps = List.copyOf(listeningIps);
        this.mappings = List.copyOf(mappings);
        this.defaultFamily = defaultFamily;
    }

    /**
     * RFC 8656 §7.1: an Allocate without REQUESTED-ADDRESS-FAMILY gets IPv4, whatever family the client came
     * over (coturn's default too), unless the operator asks for IPv6 or for the family of {@code local}.
     */
    public int defaultFamily(InetSocketAddress local) {
        return switch (defaultFamily) {
            case IPV4 -> AddressAttribute.FAMILY_IPV4;
            case IPV6 -> AddressAttribute.FAMILY_IPV6;
            case KEEP -> AddressAttribute.familyOf(local.getAddress());
        };
    }

    /**
     * The address to relay from for a client that reached us at {@code local}: a configured relay IP of the
     * family asked for; without any, the listening address itself (coturn's default) when it is of that family,
     * else another listening address of it. Among several, one that is loopback as {@code local} is or is not,
     * so a client on loopback is not handed a relay it may not reach. Null when the family has none.
     */
    public InetAddress relayAddress(int family, InetSocketAddress local) {
        InetAddress reached = local.getAddress();
        if (relayIps.isEmpty() && !reached.isAnyLocalAddress() && AddressAttribute.familyOf(reached) == family) {
            return reached;
        }
        InetAddress other = null;
        for (InetAddress ip : relayIps.isEmpty() ? listeningIps : relayIps) {
            if (AddressAttribute.familyOf(ip) == family) {
                if (ip.isLoopbackAddress() == reached.isLoopbackAddress()) {
                    return ip;
                }
                other = other == null ? ip : other;
            }
        }
        return other;
    }

    /** The relayed address as clients must see it: behind 1:1 NAT, the public address. */
    public InetSocketAddress advertised(InetSocketAddress relayed) {
        InetAddress ip = relayed.getAddress();
        for (ExternalIp mapping : mappings) {
            if (ip.equals(mapping.privateIp())
                    || mapping.privateIp() == null
                    && AddressAttribute.familyOf(mapping.publicIp()) == AddressAttribute.familyOf(ip)) {
                return new InetSocketAddress(mapping.publicIp(), relayed.getPort());
            }
        }
        return relayed;
    }
}
