package io.turnkit.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.turnkit.server.config.AddressFamily;
import io.turnkit.stun.AddressAttribute;

class RelayAddressesTest {
    private static final InetAddress IPV4_LOOPBACK = address("127.0.0.1");
    private static final InetAddress IPV4_PUBLIC = address("192.0.2.1");
    private static final InetAddress IPV6_LOOPBACK = address("::1");
    private static final InetAddress IPV6_PUBLIC = address("2001:db8::1");
    private static final InetSocketAddress OVER_IPV6_LOOPBACK = new InetSocketAddress(IPV6_LOOPBACK, 3478);
    private static final InetSocketAddress OVER_IPV4_PUBLIC = new InetSocketAddress(IPV4_PUBLIC, 3478);

    @Test
    void shouldDefaultToIpv4WhateverFamilyTheClientCameOver() {
        assertEquals(AddressAttribute.FAMILY_IPV4, relayAddresses(AddressFamily.IPV4).defaultFamily(OVER_IPV6_LOOPBACK));
        assertEquals(AddressAttribute.FAMILY_IPV6, relayAddresses(AddressFamily.IPV6).defaultFamily(OVER_IPV4_PUBLIC));
    }

    @Test
    void shouldKeepTheClientsFamilyWhenConfigured() {
        RelayAddresses keep = relayAddresses(AddressFamily.KEEP);

        assertEquals(AddressAttribute.FAMILY_IPV6, keep.defaultFamily(OVER_IPV6_LOOPBACK));
        assertEquals(AddressAttribute.FAMILY_IPV4, keep.defaultFamily(OVER_IPV4_PUBLIC));
    }

    @Test
    void shouldRelayFromTheListeningAddressOfTheFamilyTheClientReached() {
        assertEquals(IPV6_LOOPBACK, relayAddresses(AddressFamily.IPV4)
                .relayAddress(AddressAttribute.FAMILY_IPV6, OVER_IPV6_LOOPBACK));
    }

    @Test
    void shouldRelayFromAnotherListeningAddressForTheOtherFamily() {
        RelayAddresses addresses = relayAddresses(AddressFamily.IPV4);

        assertEquals(IPV4_LOOPBACK, addresses.relayAddress(AddressAttribute.FAMILY_IPV4, OVER_IPV6_LOOPBACK),
                "a loopback client gets a loopback relay");
        assertEquals(IPV6_PUBLIC, addresses.relayAddress(AddressAttribute.FAMILY_IPV6, OVER_IPV4_PUBLIC));
    }

    @Test
    void shouldRelayOnlyFromConfiguredRelayIps() {
        RelayAddresses addresses = new RelayAddresses(List.of(IPV4_PUBLIC), List.of(IPV4_LOOPBACK, IPV6_LOOPBACK),
                List.of(), AddressFamily.IPV4);

        assertEquals(IPV4_PUBLIC, addresses.relayAddress(AddressAttribute.FAMILY_IPV4, OVER_IPV6_LOOPBACK));
        assertNull(addresses.relayAddress(AddressAttribute.FAMILY_IPV6, OVER_IPV6_LOOPBACK),
                "no IPv6 relay IP: 440");
    }

    @Test
    void shouldHaveNoRelayForAFamilyTheServerDoesNotListenOn() {
        RelayAddresses ipv4Only = new RelayAddresses(List.of(), List.of(IPV4_PUBLIC), List.of(), AddressFamily.IPV4);

        assertNull(ipv4Only.relayAddress(AddressAttribute.FAMILY_IPV6, OVER_IPV4_PUBLIC));
    }

    private static RelayAddresses relayAddresses(AddressFamily defaultFamily) {
        return new RelayAddresses(List.of(), List.of(IPV4_PUBLIC, IPV4_LOOPBACK, IPV6_PUBLIC, IPV6_LOOPBACK),
                List.of(), defaultFamily);
    }

    private static InetAddress address(String literal) {
        return new InetSocketAddress(literal, 0).getAddress();
    }
}
