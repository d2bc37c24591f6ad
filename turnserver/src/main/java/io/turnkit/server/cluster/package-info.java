/**
 * This server as a node of a cluster on Redis (docs/cluster.md): its heartbeat, the quotas counted with the other
 * nodes, the sessions it publishes, and where a new allocation goes when this node should not take it. Uses
 * {@code config}, {@code metrics}, {@code protocol} (the admission of an Allocate), {@code relay} and the store's
 * cluster and credential types.
 */
package io.turnkit.server.cluster;
