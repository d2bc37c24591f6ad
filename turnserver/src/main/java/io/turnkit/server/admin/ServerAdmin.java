package io.turnkit.server.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.turnkit.server.relay.SessionSnapshot;
import io.turnkit.store.cluster.ClusterSession;

/**
 * What the admin interface asks of the running server. Every call comes from an admin thread, never an event
 * loop: reading and closing allocations is handed to their own event loops, so nothing here touches
 * allocation state from the admin thread.
 */
public interface ServerAdmin {
    /** What {@code /api/status} reports. */
    ServerStatus status();

    /** Every allocation, each event loop's copied on that loop. */
    CompletableFuture<List<SessionSnapshot>> sessions();

    /** The node's name in its cluster (docs/cluster.md), or null when it runs alone. */
    default String nodeId() {
        return null;
    }

    /**
     * The sessions the other nodes of its cluster registered in Redis; empty when it runs alone or Redis does not
     * answer. Blocks on Redis: called on an admin thread.
     */
    default List<ClusterSession> otherNodesSessions() {
        return List.of();
    }

    /** Closes the allocation {@code id} on its own event loop; completes with false when there is none. */
    CompletableFuture<Boolean> closeSession(int id);

    /** Stops taking new allocations; the server stops once the last one ends or the drain times out. */
    void drain();

    /** An {@code iceServers} entry with credentials made for it, for the page's "test this server" panel. */
    IceServer iceServer();
}
