package io.turnkit.server.protocol;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.NetUtil;
import io.turnkit.store.TransportProtocol;

/**
 * coturn's {@code alternate-server} and {@code tls-alternate-server}: every Allocate goes elsewhere, to the
 * listed servers in turn, so that a server named twice gets twice the share. A client is sent only to a server
 * of its own address family (RFC 8489 §10); with none of its family, it is served here.
 */
public final class AlternateServers implements AllocateRedirect {
    private final RoundRobin plainIpv4;
    private final RoundRobin plainIpv6;
    private final RoundRobin secureIpv4;
    private final RoundRobin secureIpv6;

    private AlternateServers(List<InetSocketAddress> plain, List<InetSocketAddress> secure) {
        plainIpv4 = RoundRobin.of(plain, true);
        plainIpv6 = RoundRobin.of(plain, false);
        secureIpv4 = RoundRobin.of(secure, true);
        secureIpv6 = RoundRobin.of(secure, false);
    }

    /**
     * @param plain  the servers for UDP and TCP clients
     * @param secure the servers for TLS and DTLS clients
     * @return {@link AllocateRedirect#NONE} when both lists are empty
     */
    public static AllocateRedirect of(List<InetSocketAddress> plain, List<InetSocketAddress> secure) {
        return plain.isEmpty() && secure.isEmpty() ? NONE : new AlternateServers(plain, secure);
    }

    @Override
    public InetSocketAddress alternateServer(TransportProtocol transport, InetSocketAddress client) {
        boolean ipv4 = client.getAddress() instanceof Inet4Address;
        RoundRobin servers = secure(transport) ? ipv4 ? secureIpv4 : secureIpv6 : ipv4 ? plainIpv4 : plainIpv6;
        return servers.next();
    }

    /** Whether a client over {@code transport} checks the server's certificate: over TLS and DTLS. */
    static boolean secure(TransportProtocol transport) {
        return transport == TransportProtocol.TLS || transport == TransportProtocol.DTLS;
    }

    /**
     * RFC 8489 §14.16: the domain name {@code server} was configured by, which a TLS or DTLS client checks the
     * alternate's certificate against; null when it was given as an IP address, which has no name to check.
     */
    static String domain(InetSocketAddress server) {
        String host = server.getHostString();
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host) ? null : host;
    }

    /** The servers of one family, each handed out in turn; shared by every event loop without a lock. */
    private record RoundRobin(InetSocketAddress[] servers, AtomicInteger turn) {
        static RoundRobin of(List<InetSocketAddress> servers, boolean ipv4) {
            return new RoundRobin(servers.stream().filter(s -> s.getAddress() instanceof Inet4Address == ipv4)
                    .toArray(InetSocketAddress[]::new), new AtomicInteger());
        }

        InetSocketAddress next() {
            return servers.length == 0 ? null : servers[Math.floorMod(turn.getAndIncrement(), servers.length)];
        }
    }
}
