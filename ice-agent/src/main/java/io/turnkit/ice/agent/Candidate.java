package io.turnkit.ice.agent;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.turnkit.ice.stun.TransportProtocol;

/**
 * One ICE candidate (RFC 8445 §5.1), as it is signalled: the fields of an {@code a=candidate} line (RFC 8839
 * §5.1). Local candidates come from the agent ({@link IceEvent.LocalCandidate}); remote ones from the peer's
 * signalling ({@link IceAgent#addRemoteCandidate}).
 *
 * @param foundation     1 to 32 ice-chars; equal for candidates of the same type, base IP and server (§5.1.1.3)
 * @param componentId    1 to 256: 1 for RTP (or everything with rtcp-mux), 2 for RTCP
 * @param transport      UDP, or TCP (RFC 6544)
 * @param priority       the 32-bit priority (§5.1.2)
 * @param address        the transport address
 * @param type           host, srflx, prflx or relay
 * @param relatedAddress {@code raddr}/{@code rport}: the base of a reflexive candidate or the mapped address of a
 *                       relayed one; null for host candidates or when not signalled
 * @param tcpType        {@code active}, {@code passive} or {@code so} for TCP candidates (RFC 6544), else null
 * @param extensions     further name/value pairs ({@code generation}, {@code ufrag}, {@code network-id}, ...),
 *                       kept in their order
 */
public record Candidate(String foundation, int componentId, TransportProtocol transport, long priority,
                        InetSocketAddress address, CandidateType type, InetSocketAddress relatedAddress,
                        String tcpType, Map<String, String> extensions) {
    /** RFC 8445 §5.1.2.1: the largest local preference. */
    public static final int MAX_LOCAL_PREFERENCE = 65535;

    public Candidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        if (componentId < 1 || componentId > 256) {
            throw new IllegalArgumentException("component id must be 1..256: " + componentId);
        }
        if (priority < 1 || priority > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("priority must be 1..2^32-1: " + priority);
        }
        extensions = extensions == null || extensions.isEmpty()
            ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /** A UDP candidate without TCP type or extensions. */
    public static Candidate udp(String foundation, int componentId, long priority, InetSocketAddress address,
                                CandidateType type, InetSocketAddress relatedAddress) {
        return new Candidate(foundation, componentId, TransportProtocol.UDP, priority, address, type,
            relatedAddress, null, Map.of());
    }

    /**
     * RFC 8445 §5.1.2.1: priority = 2^24 × type preference + 2^8 × local preference + (256 − component id).
     */
    public static long priority(CandidateType type, int localPreference, int componentId) {
        return priority(type.typePreference(), localPreference, componentId);
    }

    /** The same formula with an explicit type preference (0..126). */
    static long priority(int typePreference, int localPreference, int componentId) {
        return ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - componentId);
    }

    /** This candidate with the signalled type, priority and foundation (a peer-reflexive one, RFC 8838 §11.4). */
    Candidate withSignalled(Candidate signalled) {
        return new Candidate(signalled.foundation, componentId, transport, signalled.priority, address,
            signalled.type, signalled.relatedAddress, signalled.tcpType, signalled.extensions);
    }
}
