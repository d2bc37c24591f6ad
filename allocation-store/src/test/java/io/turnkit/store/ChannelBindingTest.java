package io.turnkit.store;

import static io.turnkit.store.Allocations.LIFETIME;
import static io.turnkit.store.Allocations.allocation;
import static io.turnkit.store.TestAddresses.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ChannelBind rules of RFC 8656 §12 and §12.2. */
class ChannelBindingTest {
    private static final long T0 = 7_000_000_000L;
    private static final long CHANNEL = Allocation.CHANNEL_LIFETIME_NANOS;
    private static final long QUARANTINE = Allocation.CHANNEL_QUARANTINE_NANOS;
    private static final int NUMBER = 0x4000;
    private static final int OTHER_NUMBER = 0x4001;
    private static final InetSocketAddress PEER = address("203.0.113.7", 6000);
    private static final InetSocketAddress OTHER_PEER = address("203.0.113.8", 6000);

    // Long-lived, so that channel timings are never cut short by the allocation's own expiry.
    private final Allocation allocation = allocation(40000, 50000, 100 * LIFETIME, T0);

    @Test
    void shouldBindFreeNumberToPeer() {
        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(NUMBER, PEER, T0));
        assertEquals(PEER, allocation.peerOfChannel(NUMBER, T0));
        assertEquals(NUMBER, allocation.channelOfPeer(PEER, T0));
    }

    @Test
    void shouldFindNothingForUnboundNumberOrPeer() {
        allocation.bindChannel(NUMBER, PEER, T0);

        assertNull(allocation.peerOfChannel(OTHER_NUMBER, T0));
        assertNull(allocation.peerOfChannel(0x4FFF, T0));
        assertEquals(-1, allocation.channelOfPeer(OTHER_PEER, T0));
    }

    @Test
    void shouldTellPeersApartByPort() {
        InetSocketAddress samePeerOtherPort = address("203.0.113.7", 6001);

        allocation.bindChannel(NUMBER, PEER, T0);

        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(OTHER_NUMBER, samePeerOtherPort, T0));
        assertEquals(samePeerOtherPort, allocation.peerOfChannel(OTHER_NUMBER, T0));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x4000, 0x4FFF, 0x5000, 0x7FFF})
    void shouldAcceptEndsOfChannelRange(int channelNumber) {
        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(channelNumber, PEER, T0));
        assertEquals(PEER, allocation.peerOfChannel(channelNumber, T0));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 0x3FFF, 0x8000, 0xFFFF})
    void shouldRejectNumberOutsideChannelRange(int channelNumber) {
        assertEquals(ChannelBindResult.CONFLICT, allocation.bindChannel(channelNumber, PEER, T0));
        assertNull(allocation.peerOfChannel(channelNumber, T0));
        assertEquals(0, allocation.permissionCount(), "a rejected request installs no permission");
    }

    @Test
    void shouldInstallPermissionForPeerAddress() {
        allocation.bindChannel(NUMBER, PEER, T0);

        assertTrue(allocation.hasPermission(PEER.getAddress(), T0 + Allocation.PERMISSION_LIFETIME_NANOS - 1));
        assertFalse(allocation.hasPermission(PEER.getAddress(), T0 + Allocation.PERMISSION_LIFETIME_NANOS));
    }

    @Test
    void shouldRefreshPermissionWhenRefreshingBinding() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long refreshedAt = T0 + TimeUnit.SECONDS.toNanos(250);

        allocation.bindChannel(NUMBER, PEER, refreshedAt);

        assertTrue(allocation.hasPermission(PEER.getAddress(), refreshedAt + Allocation.PERMISSION_LIFETIME_NANOS - 1));
    }

    @Test
    void shouldRefreshSameNumberToSamePeer() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long refreshedAt = T0 + TimeUnit.SECONDS.toNanos(200);

        assertEquals(ChannelBindResult.REFRESHED, allocation.bindChannel(NUMBER, PEER, refreshedAt));
        assertEquals(PEER, allocation.peerOfChannel(NUMBER, refreshedAt + CHANNEL - 1));
        assertNull(allocation.peerOfChannel(NUMBER, refreshedAt + CHANNEL));
    }

    @Test
    void shouldRejectNumberBoundToAnotherPeer() {
        allocation.bindChannel(NUMBER, PEER, T0);

        assertEquals(ChannelBindResult.CONFLICT, allocation.bindChannel(NUMBER, OTHER_PEER, T0));
        assertEquals(PEER, allocation.peerOfChannel(NUMBER, T0));
        assertEquals(-1, allocation.channelOfPeer(OTHER_PEER, T0));
        assertFalse(allocation.hasPermission(OTHER_PEER.getAddress(), T0), "a rejected request installs no permission");
    }

    @Test
    void shouldRejectPeerBoundToAnotherNumber() {
        allocation.bindChannel(NUMBER, PEER, T0);

        assertEquals(ChannelBindResult.CONFLICT, allocation.bindChannel(OTHER_NUMBER, PEER, T0));
        assertEquals(NUMBER, allocation.channelOfPeer(PEER, T0));
        assertNull(allocation.peerOfChannel(OTHER_NUMBER, T0));
    }

    @Test
    void shouldStopRelayingWhenBindingExpires() {
        allocation.bindChannel(NUMBER, PEER, T0);

        assertEquals(PEER, allocation.peerOfChannel(NUMBER, T0 + CHANNEL - 1));
        assertNull(allocation.peerOfChannel(NUMBER, T0 + CHANNEL));
        assertEquals(-1, allocation.channelOfPeer(PEER, T0 + CHANNEL));
    }

    @Test
    void shouldKeepNumberFromAnotherPeerDuringQuarantine() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long lastQuarantineInstant = T0 + CHANNEL + QUARANTINE - 1;
        allocation.expireStale(lastQuarantineInstant);

        assertEquals(ChannelBindResult.CONFLICT, allocation.bindChannel(NUMBER, OTHER_PEER, lastQuarantineInstant));
    }

    @Test
    void shouldKeepPeerFromAnotherNumberDuringQuarantine() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long lastQuarantineInstant = T0 + CHANNEL + QUARANTINE - 1;
        allocation.expireStale(lastQuarantineInstant);

        assertEquals(ChannelBindResult.CONFLICT, allocation.bindChannel(OTHER_NUMBER, PEER, lastQuarantineInstant));
    }

    @Test
    void shouldBindSamePairAgainDuringQuarantine() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long inQuarantine = T0 + CHANNEL + QUARANTINE / 2;

        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(NUMBER, PEER, inQuarantine));
        assertEquals(PEER, allocation.peerOfChannel(NUMBER, inQuarantine + CHANNEL - 1));
    }

    @Test
    void shouldFreeNumberForAnotherPeerAfterQuarantine() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long released = T0 + CHANNEL + QUARANTINE;

        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(NUMBER, OTHER_PEER, released));
        assertEquals(OTHER_PEER, allocation.peerOfChannel(NUMBER, released));
        assertEquals(-1, allocation.channelOfPeer(PEER, released));
    }

    @Test
    void shouldFreePeerForAnotherNumberAfterQuarantine() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long released = T0 + CHANNEL + QUARANTINE;

        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(OTHER_NUMBER, PEER, released));
        assertEquals(OTHER_NUMBER, allocation.channelOfPeer(PEER, released));
        assertNull(allocation.peerOfChannel(NUMBER, released));
    }

    @Test
    void shouldFreeNumberAndPeerWhenExpireStaleDropsReleasedBinding() {
        allocation.bindChannel(NUMBER, PEER, T0);
        long released = T0 + CHANNEL + QUARANTINE;
        allocation.expireStale(released);

        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(NUMBER, OTHER_PEER, released));
        assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(OTHER_NUMBER, PEER, released));
    }

    @Test
    void shouldBindNumbersAcrossWholeRange() {
        for (int number = Allocation.FIRST_CHANNEL_NUMBER; number <= Allocation.LAST_CHANNEL_NUMBER; number++) {
            InetSocketAddress peer = address("203.0.113.9", 10000 + number - Allocation.FIRST_CHANNEL_NUMBER);
            assertEquals(ChannelBindResult.BOUND, allocation.bindChannel(number, peer, T0));
        }

        assertEquals(address("203.0.113.9", 10000), allocation.peerOfChannel(0x4000, T0));
        assertEquals(address("203.0.113.9", 14095), allocation.peerOfChannel(0x4FFF, T0));
        assertEquals(0x4ABC, allocation.channelOfPeer(address("203.0.113.9", 10000 + 0xABC), T0));
        assertEquals(1, allocation.permissionCount(), "one permission per IP address, whatever the ports");
    }
}
