package io.turnkit.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import io.turnkit.server.config.ExternalIp;

/**
 * coturn's --external-ip: behind a 1:1 NAT the relayed address a client must use is the public one.
 * A mapping without a private address applies to every relay address of its family.
 */
final class ExternalAddresses {
    private final List<ExternalIp> mappings;

    ExternalAddresses(List<ExternalIp> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    InetSocketAddress advertised(InetSocketAddress relayed) {
        InetAddress ip = relayed.getAddress();
        for (ExternalIp mapping : mappings) {
            if (ip.equals(mapping.privateIp())
                    || mapping.privateIp() == null
                    && TurnProtocol.familyOf(mapping.publicIp()) == TurnProtocol.familyOf(ip)) {
                return new InetSocketAddress(mapping.publicIp(), relayed.getPort());
            }
        }
        return relayed;
    }
}
