package io.turnkit.ice.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class AddressesTest {
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
