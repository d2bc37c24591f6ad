package io.turnkit.ice.agent;

/**
 * A local candidate and its base (RFC 8445 §5.1.1.1): the socket checks and data from it leave through.
 *
 * @param candidate the candidate as signalled
 * @param base      the socket whose address is the candidate's base
 * @param stream    the data stream the socket serves
 */
record LocalCandidate(Candidate candidate, LocalSocket base, DataStream stream) {
}
