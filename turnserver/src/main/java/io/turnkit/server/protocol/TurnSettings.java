package io.turnkit.server.protocol;

import io.turnkit.server.policy.PeerPolicy;

/**
 * The values request handling runs with, taken from the configuration at start and again at each reload
 * ({@link LiveSettings}); immutable.
 *
 * @param software the SOFTWARE attribute of responses, or null for none
 * @param maxBps   the bandwidth of each direction of an allocation, bytes per second; 0 for no limit
 * @param udpRelay whether UDP relays may be allocated (coturn's no-udp-relay turns them off)
 * @param tcpRelay whether TCP relays (RFC 6062) may be allocated (coturn's no-tcp-relay turns them off)
 * @param peerPolicy which peers may get a permission and be relayed to
 */
public record TurnSettings(String realm, String software, long maxAllocateLifetimeSeconds,
        long permissionLifetimeSeconds, long channelLifetimeSeconds, long maxBps, boolean udpRelay,
        boolean tcpRelay, PeerPolicy peerPolicy) {
    /** RFC 8656 §7.2: an allocation lives 600 s unless the client asks otherwise. */
    public static final long DEFAULT_ALLOCATION_LIFETIME_SECONDS = 600;
}
