/** The TURN server (RFC 8656): Netty transports, request handlers, relay data path and peer policy. */
package io.turnkit.server;
