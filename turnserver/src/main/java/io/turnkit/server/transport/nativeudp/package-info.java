/**
 * turnkit's own UDP socket for Linux: recvmmsg and sendmmsg over JNI ({@code src/main/c/turnkit_udp.c}, whose
 * function names spell this package), the per-event-loop buffers and address caches they read and write
 * through, and the queue of sends the kernel had no room for. Uses {@code transport} and {@code metrics};
 * reached only through {@link io.turnkit.server.transport.Transports}.
 */
package io.turnkit.server.transport.nativeudp;
