package io.turnkit.ice.agent;

import java.net.InetSocketAddress;
import java.util.Objects;

import io.turnkit.ice.stun.TransportProtocol;

/**
 * A socket the driver owns and the agent sends through (by {@link #id()}): the base of local candidates
 * (RFC 8445 §5.1.1.1).
 *
 * <p>A {@linkplain #host host socket} is a socket bound to one interface address: it gives a host candidate, and a
 * server-reflexive one per STUN server. A {@linkplain #relayed relayed socket} is the seam for TURN: the driver
 * allocates a relayed transport address with its TURN client and adds it as a socket whose address is the relayed
 * address. The agent then treats it as the base of a relayed candidate: datagrams it transmits on that socket id the
 * driver sends through the allocation (Send indication or ChannelData, RFC 8656 §11–§12), and datagrams that arrive
 * through the allocation the driver hands to {@link IceAgent#handleDatagram} with this socket id and the peer's
 * address. The core never sees TURN messages.
 *
 * @param id             the driver's handle, unique within the agent
 * @param address        the bound address (host) or the relayed transport address (relayed)
 * @param protocol       UDP, or TCP for an ICE-TCP host candidate (RFC 6544)
 * @param componentId    the component the socket carries, 1..256
 * @param type           {@link CandidateType#HOST} or {@link CandidateType#RELAYED}
 * @param relatedAddress for a relayed socket, the server-reflexive address the TURN server saw (raddr); else null
 * @param tcpType        for a TCP socket, who opens its connections; null for UDP
 */
public record LocalSocket(int id, InetSocketAddress address, TransportProtocol protocol, int componentId,
                          CandidateType type, InetSocketAddress relatedAddress, TcpType tcpType) {
    /** RFC 6544 §4.5: an active candidate is signalled with the discard port, 9: its connections pick their own. */
    public static final int ACTIVE_PORT = 9;

    public LocalSocket {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        if (protocol == TransportProtocol.TLS || (protocol == TransportProtocol.TCP) != (tcpType != null)) {
            throw new IllegalArgumentException("a UDP socket, or a TCP one with its tcptype: " + protocol + ", "
                + tcpType);
        }
        if (tcpType != null && type != CandidateType.HOST) {
            throw new IllegalArgumentException("TCP candidates are host candidates here: " + type);
        }
        if (type != CandidateType.HOST && type != CandidateType.RELAYED) {
            throw new IllegalArgumentException("a local socket is the base of a host or relayed candidate: " + type);
        }
        if (componentId < 1 || componentId > 256) {
            throw new IllegalArgumentException("component id must be 1..256: " + componentId);
        }
        if (address.isUnresolved() || address.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("a candidate needs a concrete IP address: " + address);
        }
    }

    /** A UDP socket bound to {@code address}, carrying {@code componentId}. */
    public static LocalSocket host(int id, InetSocketAddress address, int componentId) {
        return new LocalSocket(id, address, TransportProtocol.UDP, componentId, CandidateType.HOST, null, null);
    }

    /**
     * A TCP host candidate (RFC 6544 §4.1): a passive one is the driver's listening socket at {@code address}; an
     * S-O one is bound at {@code address} and connects from it; an active one connects from {@code address}'s IP on
     * any port, and is signalled with port 9 ({@link #ACTIVE_PORT}) whatever port {@code address} names. Its
     * datagrams travel on the connection to (or from) the {@link Transmit}'s destination, RFC 4571 framed.
     */
    public static LocalSocket tcp(int id, InetSocketAddress address, int componentId, TcpType tcpType) {
        InetSocketAddress bound = tcpType == TcpType.ACTIVE
            ? new InetSocketAddress(address.getAddress(), ACTIVE_PORT) : address;
        return new LocalSocket(id, bound, TransportProtocol.TCP, componentId, CandidateType.HOST, null,
            Objects.requireNonNull(tcpType, "tcpType"));
    }

    /** A TURN allocation's relayed address (see the class comment); {@code mappedAddress} may be null. */
    public static LocalSocket relayed(int id, InetSocketAddress relayedAddress, int componentId,
                                      InetSocketAddress mappedAddress) {
        return new LocalSocket(id, relayedAddress, TransportProtocol.UDP, componentId, CandidateType.RELAYED,
            mappedAddress, null);
    }
}
