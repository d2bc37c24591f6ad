package io.turnkit.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "10.0.0.1, /10.0.0.1",
        "0.0.0.0, /0.0.0.0",
        "255.255.255.255, /255.255.255.255",
        "::1, /0:0:0:0:0:0:0:1",
        "2001:db8::1, /2001:db8:0:0:0:0:0:1",
        "::ffff:127.0.0.1, /127.0.0.1",
    })
    void shouldParseAnAddressLiteral(String text, String expected) {
        assertEquals(expected, IpLiteral.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "010.0.0.1",
        "10.00.0.1", "::ffff:010.0.0.1", "fe80::1%eth0", "[::1]", " 10.0.0.1", "1::2::3"})
    void shouldRejectAnythingButAPlainLiteral(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse(text));

        assertEquals("expected an IPv4 or IPv6 address, got '" + text + "'", error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, /192.0.2.1:3478",
        "192.0.2.1:5678, /192.0.2.1:5678",
        "2001:db8::1, /[2001:db8:0:0:0:0:0:1]:3478",
        "[2001:db8::1], /[2001:db8:0:0:0:0:0:1]:3478",
        "[2001:db8::1]:443, /[2001:db8:0:0:0:0:0:1]:443",
    })
    void shouldParseAnAddressWithAnOptionalPort(String text, String expected) {
        assertEquals(expected, IpLiteral.parseWithPort(text, 3478).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com:3478", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:x",
        "[2001:db8::1]x", "[2001:db8::1", "[192.0.2.1:3478"})
    void shouldRejectAnAddressWithABadPort(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpLiteral.parseWithPort(text, 3478));
    }

    @Test
    void shouldReadAHostNameAndKeepItBesideItsAddress() {
        InetSocketAddress named = IpLiteral.parseHostWithPort("localhost:5350", 5349);
        assertEquals("localhost", named.getHostString());
        assertFalse(named.isUnresolved());
        assertEquals(5350, named.getPort());
        assertEquals(new InetSocketAddress("192.0.2.1", 5349), IpLiteral.parseHostWithPort("192.0.2.1", 5349));
        assertTrue(IpLiteral.parseHostWithPort("no-such-host.invalid", 5349).isUnresolved());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-bad.example", "bad-.example", "a..example", "exa mple.com", "[example.com]:5349",
        "example.com:0", "turn.exämple.com"})
    void shouldRejectWhatIsNeitherAnAddressNorAHostName(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpLiteral.parseHostWithPort(text, 5349));
    }

    @Test
    void shouldKeepTheIpv6SpellingOfAMappedAddressInBytes() {
        assertEquals(16, IpLiteral.parseBytes("::ffff:0:0").length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "1.2.3.4", "127.0.0.1", "128.0.0.1", "203.0.113.200", "255.255.255.255"})
    void shouldReadIpv4BitsWithoutCopyingTheAddress(String text) throws Exception {
        InetAddress address = InetAddress.getByName(text);

        assertEquals(IpLiteral.ipv4Bits(address.getAddress(), 0), IpLiteral.ipv4Bits((Inet4Address) address));
    }
}
