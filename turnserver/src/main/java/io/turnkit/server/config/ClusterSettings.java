package io.turnkit.server.config;

import io.turnkit.store.credential.StoreLocation;

/**
 * Cluster mode (docs/cluster.md): {@code redis-statsdb}, the Redis database the nodes share their registrations,
 * per-user allocation counts and nonce secret in (coturn's name for its statistics database); {@code node-id}, the
 * name this node registers under; {@code redirect-load}, the load above which new allocations are sent to a less
 * loaded node.
 *
 * @param statsdb              the database, as given (redis://, rediss://, coturn's "ip=… port=…" or
 *                             redis-sentinel://, redis-cluster://), or null: no cluster
 * @param nodeId               the node's name, or null for the host name and the listening port
 * @param redirectFraction     the share of its capacity (0-1) above which the node redirects; 0 when not set
 * @param redirectAllocations  the number of allocations above which the node redirects; 0 when not set
 */
public record ClusterSettings(String statsdb, String nodeId, double redirectFraction, int redirectAllocations) {
    private static final int MAX_NODE_ID_LENGTH = 200;

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public ClusterSettings {
        if (statsdb != null) {
            try {
                location(statsdb);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("redis-statsdb: " + e.getMessage(), e);
            }
        }
        if (nodeId != null && (nodeId.isEmpty() || nodeId.length() > MAX_NODE_ID_LENGTH
                || !nodeId.chars().allMatch(c -> c > ' ' && c < 127 && c != '*' && c != '?' && c != '['))) {
            throw Check.wrong("node-id", "a node id of 1-" + MAX_NODE_ID_LENGTH
                    + " printable characters, without spaces or * ? [", "'" + nodeId + "'");
        }
        if (!(redirectFraction >= 0 && redirectFraction <= 1) || redirectAllocations < 0) {
            throw new IllegalArgumentException("redirect-load is a fraction 0-1 or a number of allocations");
        }
    }

    /** Whether the node is part of a cluster. */
    public boolean enabled() {
        return statsdb != null;
    }

    /** The database of {@code statsdb}; its password, if any, is in the URI. */
    public StoreLocation location() {
        return location(statsdb);
    }

    private static StoreLocation location(String statsdb) {
        return StoreLocation.parseRedis(statsdb, null, false);
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
                : location(statsdb).describe())
                + ", nodeId=" + nodeId + ", redirectFraction=" + redirectFraction
                + ", redirectAllocations=" + redirectAllocations + "}";
    }

    /** Collects the cluster settings: no cluster unless a database is given. */
    public static final class Builder {
        private String statsdb;
        private String nodeId;
        private double redirectFraction;
        private int redirectAllocations;

        Builder() {
        }

        public Builder statsdb(String database) {
            statsdb = database;
            return this;
        }

        public Builder nodeId(String name) {
            nodeId = name;
            return this;
        }

        /**
         * {@code redirect-load}: a fraction written with a point ({@code 0.8}: redirect above 80 % of capacity), or
         * a whole number of allocations ({@code 5000}).
         */
        public Builder redirectLoad(String value) {
            String text = value == null ? "" : value.strip();
            try {
                if (text.contains(".")) {
                    redirectFraction = Double.parseDouble(text);
                    redirectAllocations = 0;
                } else {
                    redirectAllocations = Integer.parseInt(text);
                    redirectFraction = 0;
                }
            } catch (NumberFormatException e) {
                // Thrown as the value is read, so the caller names where it came from.
                throw new IllegalArgumentException("expected a fraction 0-1 with a point (0.8) or a number of "
                        + "allocations (5000), got '" + value + "'");
            }
            return this;
        }

        public ClusterSettings build() {
            return new ClusterSettings(statsdb, nodeId, redirectFraction, redirectAllocations);
        }
    }
}
