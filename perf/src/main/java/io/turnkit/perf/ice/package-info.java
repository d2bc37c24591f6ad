/**
 * The ICE agent at scale ({@link io.turnkit.perf.ice.IceScale}): many agent pairs connecting in one JVM, through the
 * NAT simulator on its simulated clock and through the one-port UDP mux on real loopback sockets.
 */
package io.turnkit.perf.ice;
