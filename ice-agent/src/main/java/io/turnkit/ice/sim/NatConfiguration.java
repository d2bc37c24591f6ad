package io.turnkit.ice.sim;

import java.time.Duration;

import io.turnkit.ice.stun.NatBehavior;

/**
 * How a {@link NatRouter} behaves, in RFC 4787's terms: which destinations share a mapping (§4.1), which sources
 * may send in through one (§5), how it picks external ports (§4.2.1), how long an idle mapping lives (§4.3), and
 * whether it hairpins (§6). Two special kinds: a 1:1 NAT, which translates the address of its one host and
 * nothing else, and a firewall that blocks all UDP and lets TCP connections from inside through. TCP gets mappings
 * of its own with the same behaviors (RFC 5382 §4), which live as an established connection's do.
 *
 * @param mapping         which destinations share a mapping
 * @param filtering       which sources may send through a mapping
 * @param portAssignment  how the external port of a new mapping is chosen
 * @param mappingLifetime how long a UDP mapping lives after the last datagram sent out through it (RFC 4787 §4.3:
 *                        only outbound datagrams refresh it here, REQ-6)
 * @param hairpinning     whether datagrams from inside to the NAT's own external address come back in
 * @param oneToOne        a 1:1 NAT: the external address stands for its one inside host, on every port
 * @param udpBlocked      a firewall: no UDP crosses it either way (TCP does, through its mappings)
 */
public record NatConfiguration(NatBehavior.Type mapping, NatBehavior.Type filtering, PortAssignment portAssignment,
        Duration mappingLifetime, boolean hairpinning, boolean oneToOne, boolean udpBlocked) {
    /**
     * RFC 4787 REQ-5 asks for at least 2 minutes, yet many deployed NATs forget a UDP mapping after about 30 s;
     * simulating the short one finds agents whose keepalives are too rare.
     */
    public static final Duration DEFAULT_MAPPING_LIFETIME = Duration.ofSeconds(30);

    /** How a NAT picks the external port of a new mapping (RFC 4787 §4.2.1). */
    public enum PortAssignment {
        /** The internal port, when it is free on the external address; a random one otherwise. */
        PRESERVING,
        /** A random port, drawn from the network's random source. */
        RANDOM
    }

    public NatConfiguration {
        if (mappingLifetime.isNegative() || mappingLifetime.isZero()) {
            throw new IllegalArgumentException("a mapping lifetime must be positive: " + mappingLifetime);
        }
    }

    /**
     * A NAT with these mapping and filtering behaviors, port preservation, the default lifetime and no hairpinning.
     * Endpoint-independent mapping with endpoint-independent filtering is what was called a "full cone", with
     * address-and-port-dependent filtering a "port-restricted cone"; both address-and-port-dependent is a
     * "symmetric" NAT.
     */
    public static NatConfiguration of(NatBehavior.Type mapping, NatBehavior.Type filtering) {
        return new NatConfiguration(mapping, filtering, PortAssignment.PRESERVING, DEFAULT_MAPPING_LIFETIME, false,
                false, false);
    }

    /** A 1:1 NAT: its one host's address is translated, ports are kept, and anyone may send in. */
    public static NatConfiguration oneToOneNat() {
        return new NatConfiguration(NatBehavior.Type.ENDPOINT_INDEPENDENT, NatBehavior.Type.ENDPOINT_INDEPENDENT,
                PortAssignment.PRESERVING, DEFAULT_MAPPING_LIFETIME, true, true, false);
    }

    /**
     * A firewall that lets no UDP through, in or out, and TCP connections opened from inside only (its mappings
     * depend on address and port, and so does its filtering); hosts behind it still reach each other.
     */
    public static NatConfiguration udpBlockingFirewall() {
        return new NatConfiguration(NatBehavior.Type.ADDRESS_AND_PORT_DEPENDENT,
                NatBehavior.Type.ADDRESS_AND_PORT_DEPENDENT, PortAssignment.RANDOM, DEFAULT_MAPPING_LIFETIME, false,
                false, true);
    }

    public NatConfiguration withPortAssignment(PortAssignment assignment) {
        return new NatConfiguration(mapping, filtering, assignment, mappingLifetime, hairpinning, oneToOne,
                udpBlocked);
    }

    public NatConfiguration withMappingLifetime(Duration lifetime) {
        return new NatConfiguration(mapping, filtering, portAssignment, lifetime, hairpinning, oneToOne,
                udpBlocked);
    }

    public NatConfiguration withHairpinning(boolean on) {
        return new NatConfiguration(mapping, filtering, portAssignment, mappingLifetime, on, oneToOne, udpBlocked);
    }
}
