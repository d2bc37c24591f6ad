package io.turnkit.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.turnkit.store.TransportProtocol;

/** coturn's alternate-server lists: in turn, by the client's family, TLS clients to the TLS list. */
class AlternateServersTest {
    private static final InetSocketAddress IPV4_CLIENT = new InetSocketAddress("198.51.100.7", 50_000);
    private static final InetSocketAddress IPV6_CLIENT = new InetSocketAddress("2001:db8::7", 50_000);
    private static final InetSocketAddress PLAIN_A = new InetSocketAddress("192.0.2.1", 3478);
    private static final InetSocketAddress PLAIN_B = new InetSocketAddress("192.0.2.2", 3478);
    private static final InetSocketAddress PLAIN_V6 = new InetSocketAddress("2001:db8::1", 3478);
    private static final InetSocketAddress SECURE = new InetSocketAddress("192.0.2.3", 5349);

    private final AllocateRedirect redirect = AlternateServers.of(List.of(PLAIN_A, PLAIN_V6, PLAIN_B, PLAIN_A),
            List.of(SECURE));

    @Test
    void shouldNameTheServersInTurnSoThatOneNamedTwiceGetsTwiceTheShare() {
        assertEquals(List.of(PLAIN_A, PLAIN_B, PLAIN_A, PLAIN_A, PLAIN_B), List.of(
                next(TransportProtocol.UDP, IPV4_CLIENT), next(TransportProtocol.TCP, IPV4_CLIENT),
                next(TransportProtocol.UDP, IPV4_CLIENT), next(TransportProtocol.UDP, IPV4_CLIENT),
                next(TransportProtocol.UDP, IPV4_CLIENT)));
    }

    @Test
    void shouldNameOnlyServersOfTheClientsFamily() {
        assertEquals(PLAIN_V6, next(TransportProtocol.UDP, IPV6_CLIENT));
        assertEquals(PLAIN_V6, next(TransportProtocol.TCP, IPV6_CLIENT));
    }

    @Test
    void shouldSendTlsClientsToTheTlsList() {
        assertEquals(SECURE, next(TransportProtocol.TLS, IPV4_CLIENT));
        assertEquals(SECURE, next(TransportProtocol.DTLS, IPV4_CLIENT));
    }

    @Test
    void shouldServeAClientHereWhenNoAlternateHasItsFamily() {
        assertNull(next(TransportProtocol.TLS, IPV6_CLIENT));
    }

    @Test
    void shouldRedirectNothingWithoutAlternates() {
        assertSame(AllocateRedirect.NONE, AlternateServers.of(List.of(), List.of()));
        assertNull(AllocateRedirect.NONE.alternateServer(TransportProtocol.UDP, IPV4_CLIENT));
    }

    private InetSocketAddress next(TransportProtocol transport, InetSocketAddress client) {
        return redirect.alternateServer(transport, client);
    }

    /** RFC 8489 §14.16: ALTERNATE-DOMAIN names a server given by host name; one given as an address has none. */
    @Test
    void shouldKeepTheHostNameAnAlternateWasGivenByForAlternateDomain() {
        assertEquals("localhost", AlternateServers.domain(new InetSocketAddress("localhost", 5349)));
        assertNull(AlternateServers.domain(SECURE));
        assertNull(AlternateServers.domain(PLAIN_V6));
    }

    @Test
    void shouldSendTlsAndDtlsClientsOnlyToCheckACertificate() {
        assertEquals(List.of(true, true, false, false), List.of(AlternateServers.secure(TransportProtocol.TLS),
                AlternateServers.secure(TransportProtocol.DTLS), AlternateServers.secure(TransportProtocol.TCP),
                AlternateServers.secure(TransportProtocol.UDP)));
    }
}
