package io.turnkit.server.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import io.turnkit.server.config.ExternalIp;
import io.turnkit.stun.AddressAttribute;

/**
 * Where allocations relay from, and how clients must see it: the configured relay IPs (coturn's --relay-ip)
 * and, behind a 1:1 NAT, the public address of a relayed one (--external-ip). A mapping without a private
 * address applies to every relay address of its family.
 */
public final class RelayAddresses {
    private final List<InetAddress> relayIps;
    private final List<ExternalIp> mappings;

    public RelayAddresses(List<InetAddress> relayIps, List<ExternalIp> mappings) {
        this.relayIps = List.copyOf(relayIps);
        this.mappings = List.copyOf(mappings);
    }

    /**
     * The address to relay from for a client that reached us at {@code local}: a configured relay IP of the
     * family asked for, else the listening address itself (coturn's default), or null when there is none.
     */
    public InetAddress relayAddress(int family, InetSocketAddress local) {
        if (!relayIps.isEmpty()) {
            for (InetAddress ip : relayIps) {
                if (AddressAttribute.familyOf(ip) == family) {
                    return ip;
                }
            }
            return null;
        }
        InetAddress ip = local.getAddress();
        return !ip.isAnyLocalAddress() && AddressAttribute.familyOf(ip) == family ? ip : null;
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
