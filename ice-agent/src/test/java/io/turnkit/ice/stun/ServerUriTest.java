package io.turnkit.ice.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServerUriTest {
    @Test
    void shouldReadATurnUriWithItsTransport() {
        ServerUri uri = ServerUri.parse("turn:turn.example.org:5349?transport=tcp", ServerUri.STUN);

        assertEquals(new ServerUri("turn", "turn.example.org", 5349, TransportProtocol.TCP), uri);
    }

    @Test
    void shouldDefaultToPort3478OverUdp() {
        assertEquals(new ServerUri("stun", "192.0.2.1", 3478, TransportProtocol.UDP),
                ServerUri.parse("192.0.2.1", ServerUri.STUN));
    }

    @Test
    void shouldReadABracketedIpv6LiteralWithAPort() {
        ServerUri uri = ServerUri.parse("turn:[2001:db8::1]:3479", ServerUri.TURN);

        assertEquals("2001:db8::1", uri.host());
        assertEquals(3479, uri.port());
        assertEquals("turn:[2001:db8::1]:3479", uri.toString());
    }

    @Test
    void shouldReadAHostAndPortWithoutScheme() {
        assertEquals(new ServerUri("stun", "localhost", 3480, TransportProtocol.UDP),
                ServerUri.parse("localhost:3480", ServerUri.STUN));
    }

    @Test
    void shouldRefuseAnUnbracketedIpv6Literal() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerUri.parse("2001:db8::1", ServerUri.STUN));

        assertEquals("an IPv6 address goes in brackets: [2001:db8::1]", e.getMessage());
    }

    @Test
    void shouldRefuseAPortOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerUri.parse("turn:example.org:70000", ServerUri.TURN));

        assertEquals("expected a port number 1-65535 in 'turn:example.org:70000'", e.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownTransport() {
        assertThrows(IllegalArgumentException.class,
                () -> ServerUri.parse("turn:example.org?transport=sctp", ServerUri.TURN));
    }

    @Test
    void shouldRefuseTls() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerUri.parse("turns:example.org:5349", ServerUri.TURN));

        assertEquals("turns: (TLS) is not supported; use turn:", e.getMessage());
    }

    @Test
    void shouldReadTurnsAsTlsOnPort5349ForAnIceAgent() {
        ServerUri uri = ServerUri.parseTurn("turns:example.org");

        assertEquals(new ServerUri("turns", "example.org", 5349, TransportProtocol.TLS), uri);
        assertEquals(TransportProtocol.TCP, ServerUri.parseTurn("turn:example.org?transport=tcp").transport());
    }

    @Test
    void shouldRefuseTurnsOverUdp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerUri.parseTurn("turns:example.org?transport=udp"));

        assertEquals("turns: runs over TCP; transport=udp (DTLS) is not supported", e.getMessage());
    }
}
