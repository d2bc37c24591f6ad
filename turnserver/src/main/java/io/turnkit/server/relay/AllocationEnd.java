package io.turnkit.server.relay;

import io.turnkit.server.metrics.ServerCounter;

/** Why an allocation closed: the word its log line gives, and the counter it counts in. */
public enum AllocationEnd {
    /** RFC 8656 §8.2: a Refresh with LIFETIME 0. */
    DELETED("deleted", ServerCounter.ALLOCATIONS_DELETED),
    /** RFC 8656 §8: no Refresh in time. */
    EXPIRED("expired", ServerCounter.ALLOCATIONS_EXPIRED),
    /** RFC 8656 §5: an allocation over TCP lives only as long as its connection. */
    CONNECTION_CLOSED("connection closed", ServerCounter.ALLOCATIONS_DELETED),
    /** The operator closed it through the admin interface. */
    CLOSED_BY_OPERATOR("closed by the operator", ServerCounter.ALLOCATIONS_DELETED),
    /** The listening socket closed: the server stops. */
    SERVER_STOPPED("server stopped", ServerCounter.ALLOCATIONS_DELETED);

    private final String reason;
    private final ServerCounter counter;

    AllocationEnd(String reason, ServerCounter counter) {
        this.reason = reason;
        this.counter = counter;
    }

    ServerCounter counter() {
        return counter;
    }

    @Override
    public String toString() {
        return reason;
    }
}
