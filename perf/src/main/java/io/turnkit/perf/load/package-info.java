/**
 * The load generator: relay load through channels or indications to local echo peers, allocation churn,
 * Binding floods and idle allocations, measured against the server's CPU and memory from /proc.
 */
package io.turnkit.perf.load;
