/** JMH benchmarks of the codec and the relay path, and the load generator. */
package io.turnkit.perf;
