package io.turnkit.server.config;

import java.util.ArrayList;
import java.util.List;

import io.turnkit.server.policy.AddressRange;
import io.turnkit.server.policy.PeerPolicy;

/**
 * Which peers a client may relay to. Special-purpose addresses (loopback, private, multicast…) are denied unless
 * opened here; a denied range wins over an allowed one.
 *
 * @param allowLoopbackPeers {@code allow-loopback-peers}: relay to 127.0.0.0/8 and ::1 (for tests; never in
 *                           production)
 * @param allowedPeerRanges  {@code allowed-peer-ip}: ranges opened despite being special-purpose (an internal
 *                           media server)
 * @param deniedPeerRanges   {@code denied-peer-ip}: ranges never relayed to
 */
public record Peers(boolean allowLoopbackPeers, List<AddressRange> allowedPeerRanges,
        List<AddressRange> deniedPeerRanges) {
    public Peers {
        allowedPeerRanges = List.copyOf(allowedPeerRanges);
        deniedPeerRanges = List.copyOf(deniedPeerRanges);
    }

    /** The policy these settings make. */
    public PeerPolicy policy() {
        return new PeerPolicy(allowLoopbackPeers, allowedPeerRanges, deniedPeerRanges);
    }

    /** Collects the peer settings. */
    public static final class Builder {
        private boolean allowLoopbackPeers;
        private final List<AddressRange> allowedPeerRanges = new ArrayList<>();
        private final List<AddressRange> deniedPeerRanges = new ArrayList<>();

        Builder() {
        }

        public Builder allowLoopbackPeers(boolean on) {
            allowLoopbackPeers = on;
            return this;
        }

        public Builder addAllowedPeerRange(AddressRange range) {
            allowedPeerRanges.add(Check.required("allowed-peer-ip", range, "an address range"));
            return this;
        }

        public Builder addDeniedPeerRange(AddressRange range) {
            deniedPeerRanges.add(Check.required("denied-peer-ip", range, "an address range"));
            return this;
        }

        public Peers build() {
            return new Peers(allowLoopbackPeers, allowedPeerRanges, deniedPeerRanges);
        }
    }
}
