package io.turnkit.server.transport.nativeudp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class DestinationAddressesTest {
    @Test
    void shouldGiveTheSameBytesForAnAddressSeenBefore() throws Exception {
        DestinationAddresses destinations = new DestinationAddresses(16);
        Inet6Address address = ipv6("2001:db8::7");
        byte[] first = destinations.bytes(address);
        assertArrayEquals(address.getAddress(), first);
        assertSame(first, destinations.bytes(address), "no copy for the same object");
        assertSame(first, destinations.bytes(ipv6("2001:db8::7")), "nor for an equal one");
    }

    @Test
    void shouldGiveEachAddressItsOwnBytesWhenTheyShareASlot() throws Exception {
        DestinationAddresses destinations = new DestinationAddresses(1);
        Inet6Address a = ipv6("2001:db8::1");
        Inet6Address b = ipv6("fe80::1234:5678");
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(a.getAddress(), destinations.bytes(a));
            assertArrayEquals(b.getAddress(), destinations.bytes(b));
        }
    }

    @Test
    void shouldRefuseATableThatIsNotAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new DestinationAddresses(3));
    }

    private static Inet6Address ipv6(String literal) throws Exception {
        return (Inet6Address) InetAddress.getByName(literal);
    }
}
