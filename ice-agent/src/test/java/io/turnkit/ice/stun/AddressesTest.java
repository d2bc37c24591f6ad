package io.turnkit.ice.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5952 §4 text for IPv6 addresses. */
class AddressesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "2001:db8:0:0:0:0:0:1, 2001:db8::1",
        "0:0:0:0:0:0:0:1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "fe80:0:0:0:a00:27ff:fe4e:66a1, fe80::a00:27ff:fe4e:66a1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "1:0:0:0:0:0:0:0, 1::",
        "192.0.2.1, 192.0.2.1",
    })
    void shouldWriteTheCanonicalForm(String literal, String expected) throws UnknownHostException {
        assertEquals(expected, Addresses.ip(InetAddress.getByName(literal)));
    }

    @Test
    void shouldWriteIpv6InRfc5952sShortFormInBrackets() {
        assertEquals("[::1]:3478", Addresses.format(new InetSocketAddress("::1", 3478)));
        assertEquals("[2001:db8::1]:3478", Addresses.format(new InetSocketAddress("2001:db8:0:0:0:0:0:1", 3478)));
    }

    @Test
    void shouldWriteIpv4AsItIs() {
        assertEquals("192.0.2.1:3478", Addresses.format(new InetSocketAddress("192.0.2.1", 3478)));
    }
}
