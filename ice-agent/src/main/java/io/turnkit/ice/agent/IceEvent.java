package io.turnkit.ice.agent;

import java.net.InetSocketAddress;

/** What the agent tells its driver, through {@link IceAgent#pollEvent()}. */
public sealed interface IceEvent {
    /**
     * A new local candidate of data stream {@code stream} (0 for the first, see {@link IceConfig#dataStreams()}) to
     * signal to the peer (trickle, RFC 8838 §4).
     */
    record LocalCandidate(int stream, Candidate candidate) implements IceEvent {
    }

    /** Every local candidate has been signalled: send {@code a=end-of-candidates} (RFC 8838 §4). */
    record GatheringComplete() implements IceEvent {
    }

    /** The connection state changed. */
    record ConnectionStateChanged(IceConnectionState state) implements IceEvent {
    }

    /**
     * The pair that carries the data of component {@code componentId} of data stream {@code stream} changed (RFC 8445
     * §8.1.1: the nominated pair).
     */
    record SelectedPairChanged(int stream, int componentId, Candidate local, Candidate remote) implements IceEvent {
    }

    /** The local credentials changed ({@link IceAgent#restart}): signal the new ufrag and password (RFC 8445 §9). */
    record LocalCredentialsChanged(String ufrag, String password) implements IceEvent {
    }

    /** A datagram of application data that arrived on a valid pair of the stream's component. */
    record ApplicationData(int stream, int componentId, int socketId, InetSocketAddress from, byte[] data)
        implements IceEvent {
    }
}
