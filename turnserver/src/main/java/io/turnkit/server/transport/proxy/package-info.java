/**
 * PROXY protocol v1 and v2 headers in front of TCP and TLS connections from a load balancer: {@link
 * io.turnkit.server.transport.proxy.ProxyHeaderReader} reads the header before anything else and keeps the
 * client's address it gives, which the link then uses as the client's. Uses {@code metrics} and Netty's
 * codec-haproxy.
 */
package io.turnkit.server.transport.proxy;
