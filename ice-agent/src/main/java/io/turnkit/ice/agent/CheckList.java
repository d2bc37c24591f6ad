package io.turnkit.ice.agent;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The check list of one data stream (RFC 8445 §6.1.2) and its triggered-check queue (§6.1.4.1). It decides which
 * pair is checked next; the agent sends the checks. At most a few hundred pairs, so lookups are plain scans,
 * which allocate nothing.
 *
 * <p>The check lists of an agent's data streams form its check list set: foundations are unfrozen across the set
 * (§6.1.2.6: one Waiting pair per foundation in all of them), and the limit on pairs is the set's (§6.1.2.5).
 */
final class CheckList {
    private final List<CandidatePair> pairs = new ArrayList<>();
    private final ArrayDeque<CandidatePair> triggered = new ArrayDeque<>();
    private final int maxPairs;
    private final List<CheckList> set;
    /** Whether the last pair {@link #next()} gave was a triggered one: the next turn is an ordinary check's. */
    private boolean lastTriggered;

    /** A check list alone in its set. */
    CheckList(int maxPairs) {
        this(maxPairs, new ArrayList<>());
    }

    /** A check list that joins {@code set}, the agent's check lists, which the agent keeps and this one reads. */
    CheckList(int maxPairs, List<CheckList> set) {
        this.maxPairs = maxPairs;
        this.set = set;
        set.add(this);
    }

    List<CandidatePair> pairs() {
        return pairs;
    }

    /** The pair from {@code socketId} to {@code remote}, or null. */
    CandidatePair find(int socketId, InetSocketAddress remote) {
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.socketId() == socketId && p.remote.address().equals(remote)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Adds a pair, prioritised for {@code role}. RFC 8445 §6.1.2.4: a pair with the same base and remote candidate
     * as one already listed is redundant and only the higher priority stays. §6.1.2.5: beyond the limit the lowest
     * priority Frozen or Waiting pair goes, but never the last pair of its kind (local and remote candidate type, in
     * its component): the relayed pairs have the lowest priorities and are the fallback that works when nothing
     * else does, so a flood of peer-reflexive pairs must not push them all out. The new pair is Waiting when no pair
     * of its foundation is Waiting or In-Progress in the set, Frozen otherwise (§6.1.2.6, and RFC 8838 §10 for pairs
     * formed while checks run). Returns the pair kept, or null.
     */
    CandidatePair add(CandidatePair pair, IceRole role) {
        pair.prioritise(role);
        CandidatePair existing = find(pair.socketId(), pair.remote.address());
        if (existing != null) {
            return existing;
        }
        if (pairsInSet() >= maxPairs) {
            CandidatePair lowest = lowestPending();
            if (lowest == null || Long.compareUnsigned(lowest.priority, pair.priority) >= 0) {
                return null;
            }
            pairs.remove(lowest);
            triggered.remove(lowest);
        }
        pair.state = hasActive(pair.foundation) ? CandidatePairState.FROZEN : CandidatePairState.WAITING;
        pairs.add(pair);
        return pair;
    }

    private int pairsInSet() {
        int count = 0;
        for (int i = 0; i < set.size(); i++) {
            count += set.get(i).pairs.size();
        }
        return count;
    }

    private CandidatePair lowestPending() {
        CandidatePair lowest = null;
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if ((p.state == CandidatePairState.FROZEN || p.state == CandidatePairState.WAITING)
                && (lowest == null || Long.compareUnsigned(p.priority, lowest.priority) < 0) && !isLastOfItsKind(p)) {
                lowest = p;
            }
        }
        return lowest;
    }

    /** Whether no other pair of the component has the same local and remote candidate types. */
    private boolean isLastOfItsKind(CandidatePair pair) {
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p != pair && p.componentId() == pair.componentId()
                && p.local.candidate().type() == pair.local.candidate().type()
                && p.remote.type() == pair.remote.type()) {
                return false;
            }
        }
        return true;
    }

    /** Whether a pair of {@code foundation} is Waiting or In-Progress in any check list of the set. */
    private boolean hasActive(String foundation) {
        for (int i = 0; i < set.size(); i++) {
            if (set.get(i).hasActiveHere(foundation)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasActiveHere(String foundation) {
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if ((p.state == CandidatePairState.WAITING || p.state == CandidatePairState.IN_PROGRESS)
                && p.foundation.equals(foundation)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 8445 §7.3.1.4: the pair goes to Waiting and to the back of the triggered-check queue. */
    void trigger(CandidatePair pair) {
        pair.state = CandidatePairState.WAITING;
        if (!pair.triggered) {
            pair.triggered = true;
            triggered.addLast(pair);
        }
    }

    /**
     * RFC 8445 §6.1.4.2: the pair to check now. Triggered checks go first, but never twice in a row while an
     * ordinary check is possible: "ordinary checks must still progress". Without that, two agents whose NATs map
     * by address and port answer each check from a new mapping, learn a new peer-reflexive candidate from each and
     * trigger a check to it, and the queue never empties (the relayed pairs, which would work, never get checked).
     * Null when nothing is left to check.
     */
    CandidatePair next() {
        if (lastTriggered || triggered.isEmpty()) {
            CandidatePair ordinary = nextOrdinary();
            if (ordinary != null) {
                lastTriggered = false;
                return ordinary;
            }
        }
        CandidatePair head = triggered.pollFirst();
        if (head != null) {
            head.triggered = false;
            lastTriggered = true;
        }
        return head;
    }

    /**
     * An ordinary check: the highest-priority Waiting pair not already queued as a triggered check, else — when
     * nothing waits — one Frozen pair per foundation that has nothing Waiting or In-Progress is unfrozen first.
     */
    private CandidatePair nextOrdinary() {
        CandidatePair waiting = highestUntriggered(CandidatePairState.WAITING);
        if (waiting != null) {
            return waiting;
        }
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.state == CandidatePairState.FROZEN && !hasActive(p.foundation)) {
                highestFrozen(p.foundation).state = CandidatePairState.WAITING;
            }
        }
        return highestUntriggered(CandidatePairState.WAITING);
    }

    /**
     * Whether {@link #next()} would give a pair: something triggered or Waiting, or a Frozen pair whose foundation
     * has nothing Waiting or In-Progress.
     */
    boolean hasWork() {
        if (!triggered.isEmpty()) {
            return true;
        }
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.state == CandidatePairState.WAITING
                || (p.state == CandidatePairState.FROZEN && !hasActive(p.foundation))) {
                return true;
            }
        }
        return false;
    }

    private CandidatePair highestUntriggered(CandidatePairState state) {
        CandidatePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.state == state && !p.triggered
                && (best == null || Long.compareUnsigned(p.priority, best.priority) > 0)) {
                best = p;
            }
        }
        return best;
    }

    /** §6.1.2.6: of a foundation's Frozen pairs, the lowest component id first, then the highest priority. */
    private CandidatePair highestFrozen(String foundation) {
        CandidatePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.state == CandidatePairState.FROZEN && p.foundation.equals(foundation)
                && (best == null || p.componentId() < best.componentId()
                    || (p.componentId() == best.componentId()
                        && Long.compareUnsigned(p.priority, best.priority) > 0))) {
                best = p;
            }
        }
        return best;
    }

    /** RFC 8445 §7.2.5.3.3: a success unfreezes the other pairs of its foundation. */
    void unfreeze(String foundation) {
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.state == CandidatePairState.FROZEN && p.foundation.equals(foundation)) {
                p.state = CandidatePairState.WAITING;
            }
        }
    }

    /** The highest-priority valid pair of a component, or null. */
    CandidatePair bestValid(int componentId) {
        CandidatePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.componentId() == componentId && p.isValid()
                && (best == null || Long.compareUnsigned(p.priority, best.priority) > 0)) {
                best = p;
            }
        }
        return best;
    }

    /** The highest-priority nominated valid pair of a component (RFC 8445 §8.1.1's selected pair), or null. */
    CandidatePair bestNominated(int componentId) {
        CandidatePair best = null;
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.componentId() == componentId && p.isValid() && p.nominated
                && (best == null || Long.compareUnsigned(p.priority, best.priority) > 0)) {
                best = p;
            }
        }
        return best;
    }

    /** Whether a pair of the component with a priority above {@code priority} may still succeed. */
    boolean hasPendingAbove(int componentId, long priority) {
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.componentId() == componentId && p.isPending() && Long.compareUnsigned(p.priority, priority) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether any pair is still Frozen, Waiting or In-Progress, or a triggered check is queued. */
    boolean hasPending() {
        if (!triggered.isEmpty()) {
            return true;
        }
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.isPending()) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 8445 §8.1.2: once a component's pair is nominated, its Frozen and Waiting pairs are no longer checked.
     * In-Progress checks finish on their own.
     */
    void stopChecks(int componentId) {
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            if (p.componentId() == componentId
                && (p.state == CandidatePairState.FROZEN || p.state == CandidatePairState.WAITING)) {
                p.state = CandidatePairState.FAILED;
                p.triggered = false;
            }
        }
        triggered.removeIf(p -> p.componentId() == componentId);
    }

    /** RFC 8445 §7.3.1.1: after a role change every pair priority is computed again. */
    void prioritise(IceRole role) {
        for (int i = 0; i < pairs.size(); i++) {
            CandidatePair p = pairs.get(i);
            p.prioritise(role);
        }
    }

    void clear() {
        pairs.clear();
        triggered.clear();
        lastTriggered = false;
    }
}
