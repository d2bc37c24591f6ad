package io.turnkit.server.protocol;

import io.turnkit.stun.StunErrorCode;

/**
 * Whether the server takes new allocations: the one place an Allocate is turned away for the server's own sake
 * rather than the request's. A draining server refuses them with 508 (Insufficient Capacity, RFC 8656 §7.2):
 * the server, not the user, has no room, and a client then tries its next TURN server (RFC 8445 §5.1.1.2
 * gathers from each). Existing allocations keep relaying and refreshing. Safe to use from any thread.
 */
public final class AllocationAdmission {
    /** No refusal: the Allocate goes on. */
    public static final int ADMITTED = 0;

    private volatile boolean draining;

    /** From now on new allocations are refused; it cannot be undone but by a restart. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** {@link #ADMITTED}, or the error code that refuses a new allocation now. */
    int refusal() {
        return draining ? StunErrorCode.INSUFFICIENT_CAPACITY : ADMITTED;
    }
}
