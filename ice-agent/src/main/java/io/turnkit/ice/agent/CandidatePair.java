package io.turnkit.ice.agent;

/**
 * A local and a remote candidate of one component (RFC 8445 §6.1.2), with its check state, its nomination, and
 * (once selected) its consent freshness (RFC 7675). The local side is always a host or relayed candidate: checks
 * leave from the base, so pairs of server-reflexive candidates are pruned to their base's (§6.1.2.4).
 */
final class CandidatePair {
    final LocalCandidate local;
    final Generation generation;
    Candidate remote;
    String foundation;
    long priority;
    CandidatePairState state = CandidatePairState.FROZEN;
    /** RFC 8445 §7.2.5.3.2: the local candidate the check's mapped address names (prflx when new). */
    LocalCandidate validLocal;
    boolean triggered;
    boolean nominated;
    /** Controlling: the next check carries USE-CANDIDATE. Controlled: nominate when the check succeeds (§7.3.1.5). */
    boolean nominating;

    final StunTransaction check = new StunTransaction();
    boolean checkUsedCandidate;
    IceRole checkRole;
    long checkPriority;

    final StunTransaction consent = new StunTransaction();
    long nextConsentNanos;
    long lastConsentNanos;
    /** No consent response for the disconnected timeout (W3C "disconnected"); cleared by the next response. */
    boolean disconnected;
    /** When anything last left on this pair once selected, for keepalives (RFC 8445 §11). */
    long lastSentNanos;

    CandidatePair(LocalCandidate local, Candidate remote, Generation generation) {
        this.local = local;
        this.generation = generation;
        remote(remote);
    }

    /** Sets the remote candidate (again, when a peer-reflexive one is signalled, RFC 8838 §11.4). */
    void remote(Candidate candidate) {
        remote = candidate;
        foundation = local.candidate().foundation() + ':' + candidate.foundation();
    }

    int componentId() {
        return local.candidate().componentId();
    }

    DataStream stream() {
        return local.stream();
    }

    int socketId() {
        return local.base().id();
    }

    boolean isValid() {
        return state == CandidatePairState.SUCCEEDED;
    }

    boolean isPending() {
        return state == CandidatePairState.FROZEN || state == CandidatePairState.WAITING
            || state == CandidatePairState.IN_PROGRESS;
    }

    /** RFC 8445 §6.1.2.3: 2^32 × MIN(G, D) + 2 × MAX(G, D) + (G &gt; D ? 1 : 0), G the controlling side's. */
    void prioritise(IceRole role) {
        long g = role == IceRole.CONTROLLING ? local.candidate().priority() : remote.priority();
        long d = role == IceRole.CONTROLLING ? remote.priority() : local.candidate().priority();
        priority = (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }

    /** The pair as the application sees it: the valid pair's local candidate (§7.2.5.3.2) and the remote one. */
    Candidate reportedLocal() {
        return validLocal != null ? validLocal.candidate() : local.candidate();
    }

    @Override
    public String toString() {
        return reportedLocal().address() + " -> " + remote.address() + " (" + state + ')';
    }
}
