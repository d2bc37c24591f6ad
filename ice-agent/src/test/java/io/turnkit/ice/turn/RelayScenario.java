package io.turnkit.ice.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.turnkit.ice.probe.EchoPeer;

/**
 * One allocation's life against a real TURN server, through a {@link BlockingTurnDriver}: allocate, a permission
 * and data by Send and Data indications to a loopback echo peer, a channel and data by ChannelData, the refreshes
 * of allocation, permission and channel (the driver's clock skips ahead to them), data again, and close.
 */
final class RelayScenario {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private RelayScenario() {
    }

    static void run(BlockingTurnDriver driver) throws IOException {
        TurnSession session = driver.session();
        session.start(driver.now());
        TurnAllocation allocation = driver.await(TurnEvent.Allocated.class, TIMEOUT).allocation();
        assertTrue(allocation.relayedAddress().getAddress().isLoopbackAddress(), allocation.toString());
        assertEquals(Duration.ofSeconds(600), allocation.lifetime(), "the servers' default lifetime");

        try (EchoPeer peer = EchoPeer.start(allocation.relayedAddress())) {
            InetSocketAddress peerAddress = peer.address();
            session.createPermission(peerAddress.getAddress(), driver.now());
            assertEquals(new TurnEvent.PermissionCreated(peerAddress.getAddress()),
                    driver.await(TurnEvent.PermissionCreated.class, TIMEOUT));
            exchange(driver, peerAddress, "by Send and Data indications");

            int channel = session.bindChannel(peerAddress, driver.now());
            assertEquals(new TurnEvent.ChannelBound(channel, peerAddress),
                    driver.await(TurnEvent.ChannelBound.class, TIMEOUT));
            exchange(driver, peerAddress, "by ChannelData");

            driver.skip(Duration.ofSeconds(540));
            assertEquals(new TurnEvent.Refreshed(Duration.ofSeconds(600)),
                    driver.await(TurnEvent.Refreshed.class, TIMEOUT));
            // The permission (due at 240 s) and the channel (540 s) were refreshed with it, without a failure.
            driver.awaitIdle(Duration.ofSeconds(200), TIMEOUT);
            exchange(driver, peerAddress, "after the refreshes");
        }
        session.close(driver.now());
        driver.await(TurnEvent.Closed.class, TIMEOUT);
        assertEquals(TurnSession.State.CLOSED, session.state());
        for (TurnSession.Drop reason : TurnSession.Drop.values()) {
            assertEquals(0, session.dropped(reason), reason.name());
        }
    }

    /** Sends {@code text} to the echo peer and awaits it back. */
    private static void exchange(BlockingTurnDriver driver, InetSocketAddress peer, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        driver.session().send(peer, bytes, 0, bytes.length);
        TurnEvent.PeerData data = driver.await(TurnEvent.PeerData.class, TIMEOUT);
        assertEquals(peer, data.peer());
        assertEquals(text, new String(data.data(), StandardCharsets.UTF_8));
    }
}
