package io.turnkit.ice.mdns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.turnkit.ice.agent.Candidate;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.sdp.IceDescription;

/**
 * mDNS candidates for one agent (draft-ietf-mmusic-mdns-ice-candidates), between the agent and its signalling: local
 * host candidates may be signalled under {@code <uuid>.local} names instead of their addresses (§3.1), and remote
 * candidates named so are resolved before the agent sees them (§3.2). Runs on the agent's thread, with a
 * {@link MulticastDns} the driver feeds.
 *
 * <p>A remote name that does not resolve in time is left out: the connection can still come about through the
 * peer-reflexive candidates its checks teach (RFC 8445 §7.3.1.3). The peer's {@code a=end-of-candidates} reaches the
 * agent once every name has resolved or failed, so that the agent does not declare failure while a candidate may
 * still come. A malformed or unresolvable name never holds the agent up.
 */
public final class MdnsCandidates {
    private final MulticastDns mdns;
    private final boolean hideHostAddresses;
    private int resolving;
    private boolean endOfCandidatesHeld;
    private boolean closed;

    /**
     * @param hideHostAddresses signal host candidates under generated names (and answer queries for them) rather
     *                          than with their addresses
     */
    public MdnsCandidates(MulticastDns mdns, boolean hideHostAddresses) {
        this.mdns = mdns;
        this.hideHostAddresses = hideHostAddresses;
    }

    /**
     * A local candidate as it is to be signalled. With host addresses hidden, a host candidate carries its address's
     * name (§3.1.1), and a server-reflexive one a related address of 0.0.0.0 or :: and port 0, which would otherwise
     * give the host address away (RFC 8839 §5.1 allows it for privacy).
     */
    public Candidate signalled(Candidate local) {
        if (!hideHostAddresses || closed) {
            return local;
        }
        if (local.type() == CandidateType.HOST) {
            String name = mdns.register(local.address().getAddress());
            return withAddress(local, InetSocketAddress.createUnresolved(name, local.address().getPort()));
        }
        if (local.type() == CandidateType.SERVER_REFLEXIVE && local.relatedAddress() != null) {
            InetSocketAddress any = new InetSocketAddress(local.relatedAddress().getAddress() instanceof Inet4Address
                ? "0.0.0.0" : "::", 0);
            return new Candidate(local.foundation(), local.componentId(), local.transport(), local.priority(),
                local.address(), local.type(), any, local.tcpType(), local.extensions());
        }
        return local;
    }

    /**
     * Gives the agent what the peer signalled, as {@link IceDescription#applyTo} does, with the candidates named by
     * mDNS resolved first (§3.2.1). Returns how many candidates the agent took or are being resolved.
     */
    public int apply(IceDescription description, IceAgent agent, long nowNanos) {
        List<Candidate> addressed = new ArrayList<>();
        List<Candidate> named = new ArrayList<>();
        for (Candidate c : description.candidates()) {
            (c.address().isUnresolved() && MulticastDns.isMdnsName(c.address().getHostString()) ? named : addressed)
                .add(c);
        }
        boolean holdEnd = description.endOfCandidates() && (resolving > 0 || !named.isEmpty());
        int used = new IceDescription(description.ufrag(), description.password(), description.options(),
            description.lite(), addressed, description.endOfCandidates() && !holdEnd).applyTo(agent, nowNanos);
        endOfCandidatesHeld |= holdEnd;
        for (Candidate c : named) {
            // Counted before: from the cache, the resolution ends within resolve().
            resolving++;
            if (!closed && mdns.resolve(c.address().getHostString(),
                    (name, address, now) -> resolved(agent, c, address, now), nowNanos)) {
                used++;
            } else {
                resolving--;
            }
        }
        releaseEndOfCandidates(agent, nowNanos);
        return used;
    }

    /** Names registered for this agent are withdrawn (with goodbyes); later answers are ignored. */
    public void close() {
        closed = true;
        mdns.withdrawAll();
    }

    /** How many remote names are being resolved. */
    public int resolving() {
        return resolving;
    }

    private void resolved(IceAgent agent, Candidate named, InetAddress address, long now) {
        if (closed) {
            return;
        }
        resolving--;
        if (address != null) {
            agent.addRemoteCandidate(withAddress(named, new InetSocketAddress(address, named.address().getPort())),
                now);
        }
        releaseEndOfCandidates(agent, now);
    }

    private void releaseEndOfCandidates(IceAgent agent, long now) {
        if (endOfCandidatesHeld && resolving == 0) {
            endOfCandidatesHeld = false;
            agent.endOfRemoteCandidates(now);
        }
    }

    private static Candidate withAddress(Candidate c, InetSocketAddress address) {
        return new Candidate(c.foundation(), c.componentId(), c.transport(), c.priority(), address, c.type(),
            c.relatedAddress(), c.tcpType(), c.extensions());
    }
}
