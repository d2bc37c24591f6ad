package io.turnkit.ice.stun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;

import io.turnkit.stun.StunAttributes;

/**
 * NAT behavior discovery (RFC 5780 §4.3, §4.4) over UDP, with a server that has a second IP address and port and
 * says so in OTHER-ADDRESS. Every test is a Binding transaction on the one socket, so each waits up to the
 * transaction timeout when its response does not come — which, for the filtering tests, is an answer.
 */
public final class NatBehaviorDiscovery {
    private final StunClient client;
    private final DatagramStunTransport transport;

    /** @throws IllegalArgumentException when the client is not on UDP: RFC 5780's filtering tests need datagrams */
    public NatBehaviorDiscovery(StunClient client) {
        if (!(client.transport() instanceof DatagramStunTransport datagrams)) {
            throw new IllegalArgumentException("NAT behavior discovery runs over UDP only (RFC 5780 §4.4)");
        }
        this.client = client;
        this.transport = datagrams;
    }

    /**
     * Runs the mapping and filtering tests after {@code testOne}, the plain Binding to the server's primary address
     * that RFC 5780 calls test I.
     *
     * @throws IllegalArgumentException when {@code testOne} has no OTHER-ADDRESS: the server does not support RFC 5780
     * @throws IOException              when a test that must be answered is not, or the server refuses a request
     */
    public NatBehavior discover(BindingResult testOne) throws IOException {
        InetSocketAddress other = testOne.otherAddress();
        if (other == null) {
            throw new IllegalArgumentException("the server does not support RFC 5780 (no OTHER-ADDRESS)");
        }
        transport.acceptAnySource();
        boolean natted = !testOne.mappedAddress().equals(transport.localAddress());
        // Filtering first: until then the socket has sent to the primary address only. The mapping tests send to
        // the other address, which would open a filter for it and make filtering look laxer than it is.
        NatBehavior.Type filtering = filtering(other);
        NatBehavior.Type mapping = natted ? mapping(testOne, other) : NatBehavior.Type.ENDPOINT_INDEPENDENT;
        return new NatBehavior(natted, mapping, filtering);
    }

    /**
     * RFC 5780 §4.3: test II goes to the alternate IP address with the primary port; the same mapped address as
     * test I means endpoint-independent mapping. Else test III goes to the alternate address and port: the same
     * mapped address as test II means address-dependent mapping, another one address and port-dependent.
     * (Without a NAT, test I already shows the mapping is, in effect, endpoint-independent.)
     */
    private NatBehavior.Type mapping(BindingResult testOne, InetSocketAddress other) throws IOException {
        InetSocketAddress primary = transport.server();
        BindingResult testTwo = client.binding(new InetSocketAddress(other.getAddress(), primary.getPort()), 0);
        if (testTwo.mappedAddress().equals(testOne.mappedAddress())) {
            return NatBehavior.Type.ENDPOINT_INDEPENDENT;
        }
        BindingResult testThree = client.binding(other, 0);
        return testThree.mappedAddress().equals(testTwo.mappedAddress())
                ? NatBehavior.Type.ADDRESS_DEPENDENT : NatBehavior.Type.ADDRESS_AND_PORT_DEPENDENT;
    }

    /**
     * RFC 5780 §4.4: test II asks the server to answer from its other IP address and port; an answer means
     * endpoint-independent filtering. Else test III asks for the other port only: an answer means address-dependent
     * filtering, none address and port-dependent.
     */
    private NatBehavior.Type filtering(InetSocketAddress other) throws IOException {
        InetSocketAddress primary = transport.server();
        if (answered(StunAttributes.CHANGE_IP | StunAttributes.CHANGE_PORT, other)) {
            return NatBehavior.Type.ENDPOINT_INDEPENDENT;
        }
        return answered(StunAttributes.CHANGE_PORT, new InetSocketAddress(primary.getAddress(), other.getPort()))
                ? NatBehavior.Type.ADDRESS_DEPENDENT : NatBehavior.Type.ADDRESS_AND_PORT_DEPENDENT;
    }

    /** Whether a Binding with CHANGE-REQUEST {@code flags} is answered, and from {@code expectedSource}. */
    private boolean answered(int flags, InetSocketAddress expectedSource) throws IOException {
        BindingResult result;
        try {
            result = client.binding(transport.server(), flags);
        } catch (StunTimeoutException e) {
            return false;
        }
        if (!result.source().equals(expectedSource)) {
            // An answer from anywhere else proves nothing about filtering (RFC 5780 §7.2).
            throw new ProtocolException("the server answered CHANGE-REQUEST from " + Addresses.format(result.source())
                    + ", not " + Addresses.format(expectedSource));
        }
        return true;
    }
}
