package io.turnkit.server.config;

import io.turnkit.store.cluster.RedisCluster;
import io.turnkit.store.credential.RedisUris;

/**
 * Cluster mode (docs/cluster.md): {@code redis-statsdb}, the Redis database the nodes share their registrations,
 * per-user allocation counts and nonce secret in (coturn's name for its statistics database); {@code node-id}, the
 * name this node registers under; {@code redirect-load}, the load above which new allocations are sent to a less
 * loaded node.
 *
 * @param statsdb              the database, as given (redis://, rediss://, coturn's "ip=… port=…" or
 *                             redis-sentinel://), or null: no cluster
 * @param nodeId               the node's name, or null for the host name and the listening port
 * @param redirectFraction     the share of its capacity (0-1) above which the node redirects; 0 when not set
 * @param redirectAllocations  the number of allocations above which the node redirects; 0 when not set
 */
public record ClusterSettings(String statsdb, String nodeId, double redirectFraction, int redirectAllocations) {
    public static final ClusterSettings DEFAULT = new ClusterSettings(null, null, 0, 0);
    private static final int MAX_NODE_ID_LENGTH = 200;

    public ClusterSettings {
        if (statsdb != null) {
            RedisUris.parse(statsdb, RedisCluster.commandTimeout());
        }
        if (nodeId != null && (nodeId.isEmpty() || nodeId.length() > MAX_NODE_ID_LENGTH
                || !nodeId.chars().allMatch(c -> c > ' ' && c < 127 && c != '*' && c != '?' && c != '['))) {
            throw new IllegalArgumentException("expected a node id of 1-" + MAX_NODE_ID_LENGTH
                    + " printable characters, without spaces or * ? [, got '" + nodeId + "'");
        }
        if (!(redirectFraction >= 0 && redirectFraction <= 1) || redirectAllocations < 0) {
            throw new IllegalArgumentException("redirect-load is a fraction 0-1 or a number of allocations");
        }
    }

    /** Whether the node is part of a cluster. */
    public boolean enabled() {
        return statsdb != null;
    }

    public ClusterSettings withStatsdb(String value) {
        return new ClusterSettings(value, nodeId, redirectFraction, redirectAllocations);
    }

    public ClusterSettings withNodeId(String value) {
        return new ClusterSettings(statsdb, value, redirectFraction, redirectAllocations);
    }

    /**
     * {@code redirect-load}: a fraction written with a point ({@code 0.8}: redirect above 80 % of capacity), or a
     * whole number of allocations ({@code 5000}).
     */
    public ClusterSettings withRedirectLoad(String value) {
        String text = value == null ? "" : value.strip();
        try {
            if (text.contains(".")) {
                return new ClusterSettings(statsdb, nodeId, Double.parseDouble(text), 0);
            }
            return new ClusterSettings(statsdb, nodeId, 0, Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a fraction 0-1 with a point (0.8) or a number of "
                    + "allocations (5000), got '" + value + "'");
        }
    }

    /** Whether a node holding {@code allocations} of its {@code capacity} is above the redirect load. */
    public boolean aboveRedirectLoad(long allocations, long capacity) {
        return redirectAllocations > 0 && allocations >= redirectAllocations
                || redirectFraction > 0 && allocations >= redirectFraction * capacity;
    }

    /** Without the database's password. */
    @Override
    public String toString() {
        return "ClusterSettings{statsdb=" + (statsdb == null ? null
                : RedisUris.describe(RedisUris.parse(statsdb, RedisCluster.commandTimeout())))
                + ", nodeId=" + nodeId + ", redirectFraction=" + redirectFraction
                + ", redirectAllocations=" + redirectAllocations + "}";
    }
}
