package io.turnkit.store;

import static io.turnkit.store.TestAddresses.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class FiveTupleTest {
    private static final InetSocketAddress CLIENT = address("192.0.2.1", 40000);
    private static final InetSocketAddress SERVER = address("198.51.100.1", 3478);

    @Test
    void shouldEqualTupleOfSameParts() {
        FiveTuple a = FiveTuple.of(TransportProtocol.UDP, CLIENT, SERVER);
        FiveTuple b = FiveTuple.of(TransportProtocol.UDP, address("192.0.2.1", 40000), address("198.51.100.1", 3478));

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void shouldDifferByTransport() {
        assertNotEquals(FiveTuple.of(TransportProtocol.UDP, CLIENT, SERVER),
                FiveTuple.of(TransportProtocol.DTLS, CLIENT, SERVER));
    }

    @Test
    void shouldDifferByClientPort() {
        assertNotEquals(FiveTuple.of(TransportProtocol.TCP, CLIENT, SERVER),
                FiveTuple.of(TransportProtocol.TCP, address("192.0.2.1", 40001), SERVER));
    }

    @Test
    void shouldRejectMissingPart() {
        assertThrows(NullPointerException.class, () -> FiveTuple.of(TransportProtocol.UDP, null, SERVER));
    }

    @Test
    void shouldNameItsPartsInToString() {
        assertEquals("UDP /192.0.2.1:40000 -> /198.51.100.1:3478",
                FiveTuple.of(TransportProtocol.UDP, CLIENT, SERVER).toString());
    }
}
