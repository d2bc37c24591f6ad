/**
 * The server's counters: each declared once, with a stable name, counted per thread without allocating, read
 * by summing the threads. Uses nothing of the server; every other package may use it.
 */
package io.turnkit.server.metrics;
