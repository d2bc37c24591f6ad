package io.turnkit.ice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunTransport;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.ice.turn.LongTermCredentials;
import io.turnkit.ice.turn.TurnClient;

/** The probe through a turnkit server on loopback, which must allow the loopback echo peer. */
class RelayProbeTest {
    private static final RelayProbe.Settings SETTINGS =
            new RelayProbe.Settings(20, Duration.ofMillis(2), 100, Duration.ofSeconds(5));

    @TempDir
    Path dir;

    @Test
    void shouldEchoEveryPacketThroughAUdpRelay() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true)))) {
            AtomicInteger lastSent = new AtomicInteger();

            ProbeReport report = probe(TransportProtocol.UDP, server.udp(),
                    (sent, received, count) -> lastSent.set(sent));

            assertEquals(20, report.sent());
            assertEquals(20, report.received());
            assertEquals(20, report.reachedPeer());
            assertEquals(0.0, report.lossPercent());
            assertEquals(20, report.roundTrips().count());
            assertTrue(report.roundTrips().percentile(50).compareTo(report.roundTrips().max()) <= 0);
            assertEquals(report.allocation().relayedAddress().getAddress(), report.peer().getAddress(),
                    "a relay on loopback gets a loopback peer");
            assertEquals(20, lastSent.get());
        }
    }

    @Test
    void shouldEchoEveryPacketOverTcp() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true)))) {
            ProbeReport report = probe(TransportProtocol.TCP, server.tcp(), (sent, received, count) -> { });

            assertEquals(20, report.received());
        }
    }

    @Test
    void shouldNameThePeerAddressTheServerForbids() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> { })) {
            ErrorResponseException e = assertThrows(ErrorResponseException.class,
                    () -> probe(TransportProtocol.UDP, server.udp(), (sent, received, count) -> { }));

            assertEquals(403, e.errorCode());
            assertEquals("CreatePermission refused: 403 Forbidden (the server does not allow the echo peer's address "
                    + "127.0.0.1; a turnkit server on loopback needs --allow-loopback-peers)", e.getMessage());
        }
    }

    private static ProbeReport probe(TransportProtocol protocol, InetSocketAddress server,
            RelayProbe.Progress progress) throws IOException {
        StunClient stun = new StunClient(StunTransport.open(protocol, server, Duration.ofSeconds(5)),
                TransactionTimers.RFC_8489.withTimeout(Duration.ofSeconds(5)));
        try (TurnClient client = new TurnClient(stun,
                new LongTermCredentials(LocalTurnServer.USER, LocalTurnServer.PASSWORD))) {
            return new RelayProbe(client, SETTINGS, progress).run();
        }
    }
}
