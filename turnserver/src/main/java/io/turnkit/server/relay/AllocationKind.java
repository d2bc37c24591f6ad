package io.turnkit.server.relay;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;

import io.turnkit.server.metrics.Metered;
import io.turnkit.store.TransportProtocol;

/**
 * What the active allocations gauge tells apart: the transport the client reached the server over (RFC 8656 §2)
 * and the address family of the relayed address (RFC 8656 §7.1).
 */
public enum AllocationKind implements Metered {
    UDP_IPV4, UDP_IPV6, TCP_IPV4, TCP_IPV6, TLS_IPV4, TLS_IPV6, DTLS_IPV4, DTLS_IPV6;

    private static final AllocationKind[] KINDS = values();

    /** The kind of an allocation over {@code transport} relaying on {@code relayed}. */
    public static AllocationKind of(TransportProtocol transport, InetSocketAddress relayed) {
        return KINDS[transport.ordinal() * 2 + (relayed.getAddress() instanceof Inet6Address ? 1 : 0)];
    }

    @Override
    public String meterName() {
        return "turnkit.allocations.active";
    }

    @Override
    public String[] tags() {
        TransportProtocol transport = TransportProtocol.values()[ordinal() / 2];
        return new String[] {"transport", transport.name().toLowerCase(Locale.ROOT),
                "family", ordinal() % 2 == 0 ? "ipv4" : "ipv6"};
    }

    @Override
    public String description() {
        return "Allocations now, by client transport and relayed address family";
    }
}
