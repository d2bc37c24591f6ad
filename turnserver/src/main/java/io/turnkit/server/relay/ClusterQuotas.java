package io.turnkit.server.relay;

import java.util.concurrent.CompletableFuture;

/**
 * The per-user quota counted across the nodes of a cluster (docs/cluster.md), on top of this node's own
 * {@link io.turnkit.store.Quotas}. Asking may take a round trip to the shared database, so the answer comes later,
 * on another thread; nothing here blocks.
 */
public interface ClusterQuotas {
    /** The answer of a node that shares no quota: granted at once, one object for every request. */
    CompletableFuture<Boolean> GRANTED = CompletableFuture.completedFuture(Boolean.TRUE);

    /** A node alone: only its own quotas count. */
    ClusterQuotas NONE = new ClusterQuotas() {
        @Override
        public CompletableFuture<Boolean> acquire(String username) {
            return GRANTED;
        }

        @Override
        public void release(String username) {
        }
    };

    /** Counts one more allocation of {@code username} across the cluster; completes with false when over quota. */
    CompletableFuture<Boolean> acquire(String username);

    /** Uncounts one allocation of {@code username}, granted earlier. */
    void release(String username);
}
