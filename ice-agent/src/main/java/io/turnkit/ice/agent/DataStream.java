package io.turnkit.ice.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One data stream of the ICE session (RFC 8445 §2): its components, its check list (§6.1.2: one per data stream),
 * the remote candidates signalled for it or learnt from checks, and per component the selected pair and the time
 * regular nomination stops waiting.
 */
final class DataStream {
    /** 0 for the first stream, in {@link IceConfig#dataStreams()} order. */
    final int index;
    final CheckList checkList;
    final List<Candidate> remoteCandidates = new ArrayList<>();
    /** Per component (index = component id): the pair carrying data, from this or an earlier generation. */
    final CandidatePair[] selected;
    /** Per component: when regular nomination stops waiting for better pairs; MAX_VALUE when not waiting. */
    final long[] nominationDueNanos;

    DataStream(int index, int components, CheckList checkList) {
        this.index = index;
        this.checkList = checkList;
        selected = new CandidatePair[components + 1];
        nominationDueNanos = new long[components + 1];
        Arrays.fill(nominationDueNanos, Long.MAX_VALUE);
    }

    int components() {
        return selected.length - 1;
    }

    /** RFC 8445 §9: a restart forgets the checks and the peer's candidates; the selected pairs carry on. */
    void restart() {
        checkList.clear();
        remoteCandidates.clear();
        Arrays.fill(nominationDueNanos, Long.MAX_VALUE);
    }
}
