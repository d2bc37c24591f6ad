package io.turnkit.store;

import java.net.InetSocketAddress;

/**
 * A channel binding (RFC 8656 §12): a channel number, the peer's transport address, and a
 * time-to-expiry. Once expired it carries no data, but it is kept for
 * {@link Allocation#CHANNEL_QUARANTINE_NANOS} more so that neither its number nor its peer can be bound
 * elsewhere in that time.
 */
final class ChannelBinding {
    final int channelNumber;
    final InetSocketAddress peer;
    long expiresAtNanos;

    ChannelBinding(int channelNumber, InetSocketAddress peer, long expiresAtNanos) {
        this.channelNumber = channelNumber;
        this.peer = peer;
        this.expiresAtNanos = expiresAtNanos;
    }

    /** Expired: ChannelData on this channel is no longer relayed. */
    boolean isExpired(long nowNanos) {
        return Deadlines.passed(expiresAtNanos, nowNanos);
    }

    /** Expired and out of quarantine: the number and the peer are free to be bound anew. */
    boolean isReleased(long nowNanos, long quarantineNanos) {
        return Deadlines.passed(expiresAtNanos + quarantineNanos, nowNanos);
    }
}
