package io.turnkit.ice.agent;

import io.turnkit.ice.stun.TransportProtocol;
import java.net.InetSocketAddress;
import java.util.Objects;

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
 * @param protocol       UDP (TCP candidates, RFC 6544, are not supported yet)
 * @param componentId    the component the socket carries, 1..256
 * @param type           {@link CandidateType#HOST} or {@link CandidateType#RELAYED}
 * @param relatedAddress for a relayed socket, the server-reflexive address the TURN server saw (raddr); else null
 */
public record LocalSocket(int id, InetSocketAddress address, TransportProtocol protocol, int componentId,
                          CandidateType type, InetSocketAddress relatedAddress) {
    public LocalSocket {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        if (protocol != TransportProtocol.UDP) {
            throw new IllegalArgumentException("only UDP sockets are supported: " + protocol);
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
        return new LocalSocket(id, address, TransportProtocol.UDP, componentId, CandidateType.HOST, null);
    }

    /** A TURN allocation's relayed address (see the class comment); {@code mappedAddress} may be null. */
    public static LocalSocket relayed(int id, InetSocketAddress relayedAddress, int componentId,
                                      InetSocketAddress mappedAddress) {
        return new LocalSocket(id, relayedAddress, TransportProtocol.UDP, componentId, CandidateType.RELAYED,
            mappedAddress);
    }
}
