package io.turnkit.server.admin;

import java.util.List;

/**
 * One entry of WebRTC's {@code iceServers} (W3C webrtc-pc §4.2.1): this server's {@code stun:} and {@code turn:}
 * URIs (RFC 7064, RFC 7065) and the short-lived credentials minted for them.
 *
 * @param ttlSeconds how long the credentials are good for
 */
public record IceServer(List<String> urls, String username, String credential, long ttlSeconds) {
}
