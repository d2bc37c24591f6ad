/**
 * A NAT simulator inside the JVM for testing ICE agents and anything else that sends UDP: virtual hosts and
 * sockets, TCP connections (a reliable, ordered flow that crosses NATs as RFC 5382 says, and UDP-blocking
 * firewalls), NATs with RFC 4787's mapping, filtering, port assignment, mapping lifetime and hairpinning
 * behaviors, double NATs, 1:1 NATs, UDP-blocking firewalls, and links with delay, jitter, loss and reordering, all
 * on a {@link io.turnkit.ice.sim.SimulatedClock} and one seeded random source, so a simulated minute costs
 * milliseconds and a test is the same on every run. Single-threaded. {@link io.turnkit.ice.sim.NetworkNode}
 * documents the seam for a gateway to real sockets.
 */
package io.turnkit.ice.sim;
