package io.turnkit.ice.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.stun.NatBehavior.Type;

/** RFC 5780 §4.3 and §4.4 against a server behind each kind of simulated NAT. */
class NatBehaviorDiscoveryTest {
    /** An unanswered filtering test costs the whole timeout: keep it short. */
    private static final TransactionTimers FAST =
            new TransactionTimers(Duration.ofMillis(50), 3, Duration.ofMillis(400));

    @TempDir
    Path dir;

    @Test
    void shouldFindNoNatWhenTheMappedAddressIsTheLocalOne() throws Exception {
        assertEquals(new NatBehavior(false, Type.ENDPOINT_INDEPENDENT, Type.ENDPOINT_INDEPENDENT),
                discover(FakeStunServer.withoutNat()));
    }

    @ParameterizedTest(name = "{0} mapping, {1} filtering")
    @CsvSource({
        "ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT",
        "ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT",
        "ADDRESS_AND_PORT_DEPENDENT, ENDPOINT_INDEPENDENT"})
    void shouldFindTheMappingAndFilteringOfTheNat(Type mapping, Type filtering) throws Exception {
        assertEquals(new NatBehavior(true, mapping, filtering), discover(FakeStunServer.behindNat(mapping, filtering)));
    }

    @Test
    void shouldRefuseAServerWithoutOtherAddress() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> { });
                StunClient client = new StunClient(
                        StunTransport.open(TransportProtocol.UDP, server.udp(), Duration.ofSeconds(1)), FAST)) {
            BindingResult testOne = client.binding();
            NatBehaviorDiscovery discovery = new NatBehaviorDiscovery(client);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> discovery.discover(testOne));

            assertEquals("the server does not support RFC 5780 (no OTHER-ADDRESS)", e.getMessage());
        }
    }

    @Test
    void shouldRefuseTcp() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> { });
                StunClient client = new StunClient(
                        StunTransport.open(TransportProtocol.TCP, server.tcp(), Duration.ofSeconds(1)), FAST)) {
            assertThrows(IllegalArgumentException.class, () -> new NatBehaviorDiscovery(client));
        }
    }

    private static NatBehavior discover(FakeStunServer fake) throws Exception {
        try (FakeStunServer server = fake;
                StunClient client = new StunClient(
                        StunTransport.open(TransportProtocol.UDP, server.primary(), Duration.ofSeconds(1)), FAST)) {
            return new NatBehaviorDiscovery(client).discover(client.binding());
        }
    }
}
