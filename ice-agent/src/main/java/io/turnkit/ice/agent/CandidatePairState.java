package io.turnkit.ice.agent;

/** RFC 8445 §6.1.2.6: the state of a pair in a check list. */
enum CandidatePairState {
    /** Not checked yet, and waits for a pair of the same foundation to succeed first. */
    FROZEN,
    /** Checked as soon as it is its turn. */
    WAITING,
    /** A check has been sent and no response has settled it. */
    IN_PROGRESS,
    /** A check produced a successful, symmetric response. */
    SUCCEEDED,
    /** A check failed or timed out. */
    FAILED
}
