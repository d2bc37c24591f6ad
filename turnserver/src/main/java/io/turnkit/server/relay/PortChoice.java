package io.turnkit.server.relay;

import io.turnkit.store.RelayPortPool;

/** Which relay port an Allocate asks for (RFC 8656 §7.2), and so which one is tried next when a bind fails. */
public enum PortChoice {
    /** The port a RESERVATION-TOKEN stands for: that one only, claimed before the bind. */
    RESERVED,
    /** Any port of the range. */
    ANY,
    /** EVEN-PORT with R=0: an even port. */
    EVEN,
    /** EVEN-PORT with R=1: an even port, and the next one kept for a later Allocate with the token. */
    EVEN_PAIR;

    /** Takes a free port of this choice from {@code ports}; -1 when none is left, and always for RESERVED. */
    int acquire(RelayPortPool ports) {
        return switch (this) {
            case RESERVED -> -1;
            case ANY -> ports.acquire();
            case EVEN -> ports.acquireEven();
            case EVEN_PAIR -> ports.acquireEvenPair();
        };
    }

    /** Gives back the port kept beside {@code port}, if this choice keeps one. */
    void releaseKept(RelayPortPool ports, int port) {
        if (this == EVEN_PAIR) {
            ports.release(port + 1);
        }
    }
}
