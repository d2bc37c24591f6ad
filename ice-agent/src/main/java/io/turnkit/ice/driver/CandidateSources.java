package io.turnkit.ice.driver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an agent's local candidates come from (RFC 8445 §5.1.1): host addresses, STUN servers for server-reflexive
 * candidates, TURN servers for relayed ones.
 *
 * @param hostAddresses the addresses to bind host sockets on; empty for every address of every interface that is up
 *                      (loopback and IPv6 link-local left out, {@link HostAddresses})
 * @param stunServers   STUN servers (RFC 8489) asked from each host socket of the same address family
 * @param relays        TURN servers, one allocation each
 * @param relayOnly     only relayed candidates (no host socket, so no host or server-reflexive candidate): the
 *                      peer never learns this host's addresses
 * @param mdns          mDNS candidates (draft-ietf-mmusic-mdns-ice-candidates): host candidates signalled under
 *                      generated {@code <uuid>.local} names, answered on port 5353, and the peer's such names
 *                      resolved ({@link io.turnkit.ice.mdns.MdnsCandidates})
 * @param tcp           ICE-TCP host candidates too (RFC 6544), on each host address: a passive one on the driver's
 *                      {@link TcpMux} for that address (one port every agent shares) and an active one; on a
 *                      {@link UdpMux}, a passive one on the mux's TCP port only ({@link UdpMux#openTcpMux})
 * @param simultaneousOpen with {@code tcp}, a simultaneous-open ICE-TCP candidate too on each host address (RFC 6544
 *                      §4.1), on a port of the agent's own
 */
public record CandidateSources(List<InetAddress> hostAddresses, List<InetSocketAddress> stunServers,
                               List<RelayServer> relays, boolean relayOnly, boolean mdns, boolean tcp,
                               boolean simultaneousOpen) {
    /** Every interface's addresses, no server. */
    public static final CandidateSources HOST =
            new CandidateSources(List.of(), List.of(), List.of(), false, false, false, false);

    public CandidateSources {
        hostAddresses = List.copyOf(hostAddresses);
        stunServers = List.copyOf(stunServers);
        relays = List.copyOf(relays);
        if (relayOnly && relays.isEmpty()) {
            throw new IllegalArgumentException("relay-only needs a TURN server");
        }
        for (InetSocketAddress server : stunServers) {
            if (server.isUnresolved()) {
                throw new IllegalArgumentException("resolve the STUN server's name first: " + server);
            }
        }
    }

    /** Host sockets on these addresses only (a test passes 127.0.0.1). */
    public CandidateSources withHostAddresses(InetAddress... addresses) {
        return new CandidateSources(List.of(addresses), stunServers, relays, relayOnly, mdns, tcp,
                simultaneousOpen);
    }

    public CandidateSources withStunServer(InetSocketAddress server) {
        return new CandidateSources(hostAddresses, added(stunServers, server), relays, relayOnly, mdns, tcp,
                simultaneousOpen);
    }

    public CandidateSources withRelay(RelayServer relay) {
        return new CandidateSources(hostAddresses, stunServers, added(relays, relay), relayOnly, mdns, tcp,
                simultaneousOpen);
    }

    public CandidateSources withRelayOnly(boolean value) {
        return new CandidateSources(hostAddresses, stunServers, relays, value, mdns, tcp, simultaneousOpen);
    }

    /** With mDNS candidates: host addresses hidden behind names, the peer's names resolved. */
    public CandidateSources withMdns(boolean value) {
        return new CandidateSources(hostAddresses, stunServers, relays, relayOnly, value, tcp, simultaneousOpen);
    }

    /** With ICE-TCP host candidates, passive and active, on each host address. */
    public CandidateSources withTcp(boolean value) {
        return new CandidateSources(hostAddresses, stunServers, relays, relayOnly, mdns, value, simultaneousOpen);
    }

    /**
     * With a simultaneous-open ICE-TCP candidate too on each host address (with {@link #withTcp}): both agents
     * connect from it to each other's at once, and it accepts the peer's connection too (RFC 6544 §7.2).
     */
    public CandidateSources withTcpSimultaneousOpen(boolean value) {
        return new CandidateSources(hostAddresses, stunServers, relays, relayOnly, mdns, tcp, value);
    }

    private static <T> List<T> added(List<T> list, T element) {
        List<T> copy = new ArrayList<>(list);
        copy.add(element);
        return copy;
    }
}
