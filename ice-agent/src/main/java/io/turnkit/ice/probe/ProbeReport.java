package io.turnkit.ice.probe;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.turnkit.ice.turn.TurnAllocation;

/**
 * What a {@link RelayProbe} measured.
 *
 * @param allocation   the allocation the probe ran through
 * @param peer         the echo peer's address
 * @param allocateTime from the first Allocate request to the success response, the 401 round included
 * @param sent         packets sent to the peer through the channel
 * @param reachedPeer  packets the peer got and sent back (so {@code sent - reachedPeer} were lost on the way out)
 * @param received     echoes received, each packet counted once
 * @param roundTrips   the round-trip time of every echo received
 */
public record ProbeReport(TurnAllocation allocation, InetSocketAddress peer, Duration allocateTime, int sent,
        long reachedPeer, int received, RoundTripTimes roundTrips) {
    /** Packets that did not come back, in percent of those sent. */
    public double lossPercent() {
        return sent == 0 ? 0 : 100.0 * (sent - received) / sent;
    }
}
