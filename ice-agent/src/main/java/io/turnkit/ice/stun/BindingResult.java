package io.turnkit.ice.stun;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What a Binding transaction found (RFC 8489 §6.3.3).
 *
 * @param mappedAddress the client's address as the server saw it (XOR-MAPPED-ADDRESS): its server-reflexive address
 * @param software      the server's SOFTWARE, or null when it sent none
 * @param otherAddress  the server's alternate address for RFC 5780's tests (OTHER-ADDRESS), or null when it has none
 * @param source        where the response came from
 * @param roundTrip     from the first request to the response
 * @param requestsSent  1, unless the request was retransmitted
 */
public record BindingResult(InetSocketAddress mappedAddress, String software, InetSocketAddress otherAddress,
        InetSocketAddress source, Duration roundTrip, int requestsSent) {
}
