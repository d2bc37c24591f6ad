/** Measures a TURN relay end to end: allocation time, round-trip times and loss through a channel to an echo peer. */
package io.turnkit.ice.probe;
