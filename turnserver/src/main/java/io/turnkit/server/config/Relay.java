package io.turnkit.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the server relays from: the relay addresses and ports, the addresses clients are told behind a NAT, which
 * relayed transports and families an Allocate may get, its bandwidth, and where Allocate requests are sent
 * instead.
 *
 * @param relayIps                       {@code relay-ip}: the addresses relay sockets are bound to; empty means
 *                                       the address the client reached the server on, as in coturn, and the
 *                                       wildcard when the server listens on the wildcard; a wildcard is only
 *                                       usable with an {@code external-ip} to tell clients instead
 * @param externalIps                    {@code external-ip}: public/private mappings for a server behind a 1:1 NAT
 * @param minPort                        {@code min-port}: the lowest relay port
 * @param maxPort                        {@code max-port}: the highest relay port
 * @param noUdpRelay                     {@code no-udp-relay}: refuse allocations with a UDP relayed transport
 * @param noTcpRelay                     {@code no-tcp-relay}: refuse allocations with a TCP relayed transport
 *                                       (RFC 6062)
 * @param allocationDefaultAddressFamily {@code allocation-default-address-family} ({@code keep-address-family}
 *                                       is {@link AddressFamily#KEEP}): the relayed family an Allocate gets when
 *                                       it asks for none
 * @param maxBps                         {@code max-bps}: bytes per second one allocation may relay each way; 0
 *                                       for no limit
 * @param alternateServers               {@code alternate-server}: where Allocate requests over UDP and TCP are
 *                                       sent with 300 (Try Alternate), in turn (RFC 8489 §10); empty to serve
 *                                       them here
 * @param tlsAlternateServers            {@code tls-alternate-server}: the same, for Allocate requests over TLS
 */
public record Relay(List<InetAddress> relayIps, List<ExternalIp> externalIps, int minPort, int maxPort,
        boolean noUdpRelay, boolean noTcpRelay, AddressFamily allocationDefaultAddressFamily, long maxBps,
        List<InetSocketAddress> alternateServers, List<InetSocketAddress> tlsAlternateServers) {
    /** RFC 8656 §7.2: relayed ports come from the Dynamic and/or Private Port range, 49152-65535. */
    public static final int DEFAULT_MIN_PORT = 49152;
    /** The top of the relay port range. */
    public static final int DEFAULT_MAX_PORT = 65535;

    /** @throws IllegalArgumentException naming the setting that is wrong, or the two that do not fit together */
    public Relay {
        relayIps = List.copyOf(relayIps);
        externalIps = List.copyOf(externalIps);
        alternateServers = List.copyOf(alternateServers);
        tlsAlternateServers = List.copyOf(tlsAlternateServers);
        Check.port("min-port", minPort);
        Check.port("max-port", maxPort);
        if (minPort > maxPort) {
            throw new IllegalArgumentException("min-port " + minPort + " is above max-port " + maxPort);
        }
        Check.required("allocation-default-address-family", allocationDefaultAddressFamily, "ipv4, ipv6 or keep");
        Check.notNegative("max-bps", maxBps, "bytes per second");
        alternateServers.forEach(server -> reachable("alternate-server", server));
        tlsAlternateServers.forEach(server -> reachable("tls-alternate-server", server));
        checkExternalIps(externalIps);
        checkRelayIps(relayIps, externalIps);
    }

    /** coturn allows one PUBLIC without /PRIVATE; turnkit one per family, and one mapping per relay address. */
    private static void checkExternalIps(List<ExternalIp> externalIps) {
        Set<Object> seen = new LinkedHashSet<>();
        for (ExternalIp mapping : externalIps) {
            Object key = mapping.mapsWholeFamily() ? ExternalIp.isIpv4(mapping.publicIp()) : mapping.privateIp();
            if (!seen.add(key)) {
                throw new IllegalArgumentException("external-ip " + mapping + " maps "
                        + (mapping.mapsWholeFamily() ? "every relay address of its family"
                        : mapping.privateIp().getHostAddress()) + " a second time");
            }
        }
    }

    /** A wildcard relay address would be told to clients as is, unless an external-ip replaces it. */
    private static void checkRelayIps(List<InetAddress> relayIps, List<ExternalIp> externalIps) {
        for (InetAddress relay : relayIps) {
            boolean mapped = externalIps.stream().anyMatch(mapping -> mapping.mapsWholeFamily()
                    && ExternalIp.isIpv4(mapping.publicIp()) == ExternalIp.isIpv4(relay));
            if (relay.isAnyLocalAddress() && !mapped) {
                throw new IllegalArgumentException("relay-ip " + relay.getHostAddress()
                        + " is a wildcard: give the address clients can reach, or an external-ip for it");
            }
        }
    }

    private static void reachable(String setting, InetSocketAddress server) {
        Check.required(setting, server, "an address");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException(setting + " " + server.getHostString() + " does not resolve to an "
                    + "address");
        }
        if (server.getAddress().isAnyLocalAddress() || server.getPort() == 0) {
            throw new IllegalArgumentException(setting + " " + server + " is not an address and port a client can "
                    + "reach");
        }
    }

    /** The addresses as the options write them. */
    static List<String> addresses(List<InetAddress> addresses) {
        List<String> texts = new ArrayList<>();
        addresses.forEach(address -> texts.add(address.getHostAddress()));
        return texts;
    }

    @Override
    public String toString() {
        return "Relay{relayIps=" + addresses(relayIps) + ", externalIps=" + externalIps + ", minPort=" + minPort
                + ", maxPort=" + maxPort + ", noUdpRelay=" + noUdpRelay + ", noTcpRelay=" + noTcpRelay
                + ", allocationDefaultAddressFamily=" + allocationDefaultAddressFamily + ", maxBps=" + maxBps
                + ", alternateServers=" + alternateServers + ", tlsAlternateServers=" + tlsAlternateServers + "}";
    }

    /** Collects the relay's settings; {@link #build()} checks them. */
    public static final class Builder {
        private final Set<InetAddress> relayIps = new LinkedHashSet<>();
        private final List<ExternalIp> externalIps = new ArrayList<>();
        private int minPort = DEFAULT_MIN_PORT;
        private int maxPort = DEFAULT_MAX_PORT;
        private boolean noUdpRelay;
        private boolean noTcpRelay;
        private boolean keepAddressFamily;
        private AddressFamily allocationDefaultAddressFamily = AddressFamily.IPV4;
        private long maxBps;
        private final List<InetSocketAddress> alternateServers = new ArrayList<>();
        private final List<InetSocketAddress> tlsAlternateServers = new ArrayList<>();

        Builder() {
        }

        /** Adds a relay address (a repeated one counts once). */
        public Builder addRelayIp(InetAddress address) {
            relayIps.add(Check.required("relay-ip", address, "an IP address"));
            return this;
        }

        /** Replaces the relay addresses; empty relays from the address each client reached. */
        public Builder relayIps(List<InetAddress> addresses) {
            relayIps.clear();
            addresses.forEach(this::addRelayIp);
            return this;
        }

        public Builder addExternalIp(ExternalIp mapping) {
            externalIps.add(Check.required("external-ip", mapping, "PUBLIC[/PRIVATE]"));
            return this;
        }

        public Builder minPort(int port) {
            minPort = port;
            return this;
        }

        public Builder maxPort(int port) {
            maxPort = port;
            return this;
        }

        public Builder noUdpRelay(boolean on) {
            noUdpRelay = on;
            return this;
        }

        public Builder noTcpRelay(boolean on) {
            noTcpRelay = on;
            return this;
        }

        /** Gives an Allocate without REQUESTED-ADDRESS-FAMILY the family the client reached the server on. */
        public Builder keepAddressFamily(boolean on) {
            keepAddressFamily = on;
            return this;
        }

        public Builder allocationDefaultAddressFamily(AddressFamily family) {
            allocationDefaultAddressFamily = family;
            return this;
        }

        public Builder maxBps(long bytesPerSecond) {
            maxBps = bytesPerSecond;
            return this;
        }

        /** Adds an alternate server for Allocate requests over UDP and TCP (repeatable: round robin). */
        public Builder addAlternateServer(InetSocketAddress server) {
            alternateServers.add(server);
            return this;
        }

        /** Adds an alternate server for Allocate requests over TLS (repeatable: round robin). */
        public Builder addTlsAlternateServer(InetSocketAddress server) {
            tlsAlternateServers.add(server);
            return this;
        }

        public Relay build() {
            return new Relay(new ArrayList<>(relayIps), externalIps, minPort, maxPort, noUdpRelay, noTcpRelay,
                    keepAddressFamily ? AddressFamily.KEEP : allocationDefaultAddressFamily, maxBps, alternateServers,
                    tlsAlternateServers);
        }
    }
}
