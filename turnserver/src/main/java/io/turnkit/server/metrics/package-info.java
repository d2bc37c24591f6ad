/**
 * The server's one counter mechanism ({@link io.turnkit.server.metrics.Counters}): the counters an enum declares
 * once with stable names ({@link io.turnkit.server.metrics.ServerCounter}, the authenticator's {@code AuthEvent},
 * the codec's {@code StunValidation}), counted per thread without allocating, read by summing the threads; a
 * Micrometer binder reads them the same way. Uses only the codec's {@code EnumCounters}; every other package may
 * use it.
 */
package io.turnkit.server.metrics;
