package io.turnkit.ice.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** RFC 8445 §6.1.2.5 and §6.1.4.2: which pair is checked next, and which pair goes when the list is full. */
class CheckListTest {
    private static final Generation GENERATION = new Generation(new IceCredentials("abcd", "0123456789abcdefghijkl"));
    /** The stream the local candidates serve; the check lists under test read nothing of it. */
    private static final DataStream STREAM = new DataStream(0, 1, new CheckList(100));
    private static final LocalCandidate HOST = local(0, "10.0.0.1", CandidateType.HOST);
    private static final LocalCandidate RELAYED = local(1, "192.0.2.10", CandidateType.RELAYED);

    private static LocalCandidate local(int socketId, String ip, CandidateType type) {
        InetSocketAddress address = new InetSocketAddress(ip, 5000);
        LocalSocket socket = type == CandidateType.HOST ? LocalSocket.host(socketId, address, 1)
            : LocalSocket.relayed(socketId, address, 1, null);
        return new LocalCandidate(Candidate.udp("L" + socketId, 1, Candidate.priority(type, 65535, 1), address, type,
            null), socket, STREAM);
    }

    private static CandidatePair pair(LocalCandidate local, CandidateType remoteType, int port) {
        Candidate remote = Candidate.udp(remoteType.sdpName() + port, 1, Candidate.priority(remoteType, 65535, 1),
            new InetSocketAddress("198.51.100.7", port), remoteType, null);
        return new CandidatePair(local, remote, GENERATION);
    }

    /** The next pair, its check started as the agent starts it. */
    private static CandidatePair start(CheckList list) {
        CandidatePair p = list.next();
        if (p != null) {
            p.state = CandidatePairState.IN_PROGRESS;
        }
        return p;
    }

    @Test
    void shouldAlternateTriggeredAndOrdinaryChecksSoThatAFloodOfTriggeredOnesStarvesNothing() {
        CheckList list = new CheckList(100);
        CandidatePair relayed = list.add(pair(RELAYED, CandidateType.RELAYED, 7000), IceRole.CONTROLLING);
        List<CandidatePair> learnt = new ArrayList<>();
        for (int port = 8000; port < 8005; port++) {
            CandidatePair p = list.add(pair(HOST, CandidateType.PEER_REFLEXIVE, port), IceRole.CONTROLLING);
            list.trigger(p);
            learnt.add(p);
        }

        CandidatePair first = start(list);
        CandidatePair second = start(list);
        CandidatePair third = start(list);

        assertSame(learnt.get(0), first, "a triggered check goes first");
        assertSame(relayed, second, "then an ordinary one, though four triggered checks wait");
        assertSame(learnt.get(1), third, "then the next triggered one");
    }

    @Test
    void shouldGiveTriggeredChecksInARowWhenNoOrdinaryCheckIsLeft() {
        CheckList list = new CheckList(100);
        CandidatePair p1 = list.add(pair(HOST, CandidateType.PEER_REFLEXIVE, 8000), IceRole.CONTROLLING);
        CandidatePair p2 = list.add(pair(HOST, CandidateType.PEER_REFLEXIVE, 8001), IceRole.CONTROLLING);
        list.trigger(p1);
        list.trigger(p2);

        assertSame(p1, start(list));
        assertSame(p2, start(list), "the queued pair is not taken as an ordinary check out of turn");
        assertNull(list.next());
    }

    @Test
    void shouldNeverPruneTheLastPairOfItsKindWhenTheListIsFull() {
        CheckList list = new CheckList(3);
        CandidatePair relayed = list.add(pair(RELAYED, CandidateType.RELAYED, 7000), IceRole.CONTROLLING);
        CandidatePair host = list.add(pair(HOST, CandidateType.HOST, 7001), IceRole.CONTROLLING);
        CandidatePair prflx = list.add(pair(HOST, CandidateType.PEER_REFLEXIVE, 8000), IceRole.CONTROLLING);

        CandidatePair refused = list.add(pair(HOST, CandidateType.PEER_REFLEXIVE, 8001), IceRole.CONTROLLING);

        assertNull(refused, "every listed pair is the last of its kind: the newcomer is refused");
        assertEquals(List.of(relayed, host, prflx), list.pairs());
    }

    @Test
    void shouldPruneTheLowestPriorityPairOfAKindThatHasAnother() {
        CheckList list = new CheckList(3);
        CandidatePair relayed = list.add(pair(RELAYED, CandidateType.RELAYED, 7000), IceRole.CONTROLLING);
        CandidatePair lowHost = list.add(pair(HOST, CandidateType.SERVER_REFLEXIVE, 7001), IceRole.CONTROLLING);
        CandidatePair otherHost = list.add(pair(HOST, CandidateType.SERVER_REFLEXIVE, 7002), IceRole.CONTROLLING);
        lowHost.priority = otherHost.priority - 1;

        CandidatePair added = list.add(pair(HOST, CandidateType.HOST, 7003), IceRole.CONTROLLING);

        assertNotNull(added);
        assertTrue(list.pairs().contains(relayed), "the relayed pair, lowest of all, stays: it is the fallback");
        assertTrue(!list.pairs().contains(lowHost) && list.pairs().contains(otherHost), list.pairs().toString());
    }
}
