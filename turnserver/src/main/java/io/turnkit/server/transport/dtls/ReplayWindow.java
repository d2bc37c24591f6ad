package io.turnkit.server.transport.dtls;

/**
 * The records of the current epoch already received, by sequence number (RFC 6347 §4.1.2.6): a 64-record window
 * whose right edge is the highest sequence number seen in a record that authenticated. A record left of the
 * window, or marked in it, is a replay (or too old) and is discarded before it is decrypted.
 */
final class ReplayWindow {
    private static final int SIZE = Long.SIZE;

    private long highest = -1;
    /** Bit i: record {@code highest - i} was received. */
    private long received;

    boolean isReplay(long sequence) {
        if (sequence > highest) {
            return false;
        }
        long behind = highest - sequence;
        return behind >= SIZE || (received & 1L << behind) != 0;
    }

    /** Marks {@code sequence} received: call only once its record authenticated (RFC 6347 §4.1.2.6). */
    void accept(long sequence) {
        if (sequence > highest) {
            long ahead = sequence - highest;
            received = ahead >= SIZE ? 1 : received << ahead | 1;
            highest = sequence;
        } else {
            received |= 1L << (highest - sequence);
        }
    }
}
