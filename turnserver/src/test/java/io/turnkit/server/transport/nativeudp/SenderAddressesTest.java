package io.turnkit.server.transport.nativeudp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class SenderAddressesTest {
    private final SenderAddresses senders = new SenderAddresses(1024);

    @Test
    void shouldGiveTheSameSenderTheSameAddressObject() {
        InetSocketAddress first = senders.ipv4(ipv4("192.0.2.7"), 3478);
        assertEquals(new InetSocketAddress("192.0.2.7", 3478), first);
        assertSame(first, senders.ipv4(ipv4("192.0.2.7"), 3478));
    }

    @Test
    void shouldTellSendersApartByAddressAndPort() {
        InetSocketAddress a = senders.ipv4(ipv4("192.0.2.7"), 3478);
        InetSocketAddress otherPort = senders.ipv4(ipv4("192.0.2.7"), 3479);
        InetSocketAddress otherAddress = senders.ipv4(ipv4("192.0.2.8"), 3478);
        assertEquals(new InetSocketAddress("192.0.2.7", 3479), otherPort);
        assertEquals(new InetSocketAddress("192.0.2.8", 3478), otherAddress);
        assertNotSame(a, otherPort);
        assertNotSame(a, otherAddress);
        assertSame(a, senders.ipv4(ipv4("192.0.2.7"), 3478));
    }

    @Test
    void shouldMakeIpv6AddressesEqualToJavasOwn() throws Exception {
        byte[] bytes = InetAddress.getByName("2001:db8::1:2").getAddress();
        ByteBuffer halves = ByteBuffer.wrap(bytes);
        InetSocketAddress sender = senders.ipv6(halves.getLong(0), halves.getLong(8), 50_000, 0);
        assertEquals(new InetSocketAddress("2001:db8::1:2", 50_000), sender);
        assertSame(sender, senders.ipv6(halves.getLong(0), halves.getLong(8), 50_000, 0));
        InetSocketAddress other = senders.ipv6(halves.getLong(0), halves.getLong(8) + 1, 50_000, 0);
        assertEquals(new InetSocketAddress("2001:db8::1:3", 50_000), other);
    }

    @Test
    void shouldNotTakeAnIpv4SenderForAnIpv6OneWithTheSameBits() {
        InetSocketAddress ipv4 = senders.ipv4(ipv4("0.0.0.1"), 9);
        InetSocketAddress ipv6 = senders.ipv6(0, 1, 9, 0);
        assertEquals(new InetSocketAddress("::1", 9), ipv6);
        assertEquals(new InetSocketAddress("0.0.0.1", 9), ipv4);
    }

    @Test
    void shouldStayBoundedWhateverTheSenders() {
        for (int i = 0; i < 100_000; i++) {
            assertEquals(3478 + i % 1000, senders.ipv4(i, 3478 + i % 1000).getPort());
        }
        InetSocketAddress last = senders.ipv4(99_999, 3478 + 999);
        assertSame(last, senders.ipv4(99_999, 3478 + 999));
    }

    /** The send path writes an IPv4 destination from its hash code: the address itself, network order. */
    @Test
    void shouldFindAnIpv4AddressInItsHashCode() throws Exception {
        Inet4Address address = (Inet4Address) InetAddress.getByName("198.51.100.200");
        assertEquals(ByteBuffer.wrap(address.getAddress()).getInt(), address.hashCode());
    }

    private static int ipv4(String address) {
        try {
            return ByteBuffer.wrap(InetAddress.getByName(address).getAddress()).getInt();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
