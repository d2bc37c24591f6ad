package io.turnkit.server.policy;

/**
 * The peer addresses a TURN server must not relay to by default: every entry of IANA's IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890) whose "Globally Reachable" is false, plus multicast and
 * broadcast, which are never a unicast peer.
 *
 * <p>Entries are checked in order and the first match wins, so the globally reachable entries the
 * registries carve out of a larger block (the TURN anycast address 192.0.0.10 inside 192.0.0.0/24, for
 * one) come before that block.
 *
 * <p>The prefixes that embed an IPv4 address ({@code ::ffff:0:0/96}, {@code ::/96}, {@code 64:ff9b::/96},
 * {@code 2002::/16} and Teredo {@code 2001::/32}) are not judged here: {@link PeerPolicy} judges the IPv4
 * addresses they carry ({@link Ipv4Embedding}).
 */
final class SpecialPurposeAddresses {
    /** What an address is, as far as relaying to it goes. */
    enum Kind {
        /** Reachable on the Internet: a peer like any other. */
        GLOBAL,
        /** Loopback: the TURN server's own host; only {@code allow-loopback-peers} opens it. */
        LOOPBACK,
        /** Unspecified, multicast or broadcast: never a unicast peer, nothing opens it. */
        NOT_UNICAST,
        /** Not globally reachable (private, link-local, documentation…): {@code allowed-peer-ip} opens it. */
        NOT_GLOBAL
    }

    private record Entry(AddressRange range, Kind kind) {
    }

    private static final Entry[] IPV4 = {
        // RFC 1122 §3.2.1.3: "this host"; a socket sending there reaches the server itself (CVE-2020-26262).
        entry("0.0.0.0/32", Kind.NOT_UNICAST),
        entry("0.0.0.0/8", Kind.NOT_GLOBAL),            // "this network", RFC 791
        entry("10.0.0.0/8", Kind.NOT_GLOBAL),           // private use, RFC 1918
        entry("100.64.0.0/10", Kind.NOT_GLOBAL),        // shared address space (carrier NAT), RFC 6598
        entry("127.0.0.0/8", Kind.LOOPBACK),            // RFC 1122
        entry("169.254.0.0/16", Kind.NOT_GLOBAL),       // link local, RFC 3927; cloud metadata 169.254.169.254
        entry("172.16.0.0/12", Kind.NOT_GLOBAL),        // private use, RFC 1918
        entry("192.0.0.9/32", Kind.GLOBAL),             // Port Control Protocol anycast, RFC 7723
        entry("192.0.0.10/32", Kind.GLOBAL),            // TURN anycast, RFC 8155
        entry("192.0.0.0/24", Kind.NOT_GLOBAL),         // IETF protocol assignments, RFC 6890
        entry("192.0.2.0/24", Kind.NOT_GLOBAL),         // documentation TEST-NET-1, RFC 5737
        entry("192.88.99.0/24", Kind.NOT_GLOBAL),       // 6to4 relay anycast, deprecated by RFC 7526
        entry("192.168.0.0/16", Kind.NOT_GLOBAL),       // private use, RFC 1918
        entry("198.18.0.0/15", Kind.NOT_GLOBAL),        // benchmarking, RFC 2544
        entry("198.51.100.0/24", Kind.NOT_GLOBAL),      // documentation TEST-NET-2, RFC 5737
        entry("203.0.113.0/24", Kind.NOT_GLOBAL),       // documentation TEST-NET-3, RFC 5737
        entry("224.0.0.0/4", Kind.NOT_UNICAST),         // multicast, RFC 5771
        entry("255.255.255.255/32", Kind.NOT_UNICAST),  // limited broadcast, RFC 919 and RFC 8190
        entry("240.0.0.0/4", Kind.NOT_GLOBAL),          // reserved, RFC 1112 §4
    };

    private static final Entry[] IPV6 = {
        entry("::/128", Kind.NOT_UNICAST),              // unspecified, RFC 4291 §2.5.2 (CVE-2020-26262)
        entry("::1/128", Kind.LOOPBACK),                // RFC 4291 §2.5.3
        entry("64:ff9b:1::/48", Kind.NOT_GLOBAL),       // local-use IPv4/IPv6 translation, RFC 8215
        entry("100:0:0:1::/64", Kind.NOT_GLOBAL),       // dummy IPv6 prefix
        entry("100::/64", Kind.NOT_GLOBAL),             // discard-only, RFC 6666
        entry("2001:1::1/128", Kind.GLOBAL),            // Port Control Protocol anycast, RFC 7723
        entry("2001:1::2/128", Kind.GLOBAL),            // TURN anycast, RFC 8155
        entry("2001:1::3/128", Kind.GLOBAL),            // DNS-SD service registration protocol anycast
        entry("2001:3::/32", Kind.GLOBAL),              // AMT, RFC 7450
        entry("2001:4:112::/48", Kind.GLOBAL),          // AS112-v6, RFC 7535
        entry("2001:20::/28", Kind.GLOBAL),             // ORCHIDv2, RFC 7343
        entry("2001:30::/28", Kind.GLOBAL),             // drone remote ID entity tags, RFC 9374
        entry("2001::/32", Kind.GLOBAL),                // Teredo, RFC 4380: judged by the IPv4 it embeds
        // IETF protocol assignments, RFC 2928; holds benchmarking 2001:2::/48 (RFC 5180) and the
        // deprecated ORCHID 2001:10::/28 (RFC 4843).
        entry("2001::/23", Kind.NOT_GLOBAL),
        entry("2001:db8::/32", Kind.NOT_GLOBAL),        // documentation, RFC 3849
        entry("3fff::/20", Kind.NOT_GLOBAL),            // documentation, RFC 9637
        entry("5f00::/16", Kind.NOT_GLOBAL),            // segment routing (SRv6) SIDs, RFC 9602
        entry("fc00::/7", Kind.NOT_GLOBAL),             // unique local, RFC 4193
        entry("fe80::/10", Kind.NOT_GLOBAL),            // link local, RFC 4291 §2.5.6
        // Site local, deprecated by RFC 3879 and not in the registry, but routed by nobody on the Internet.
        entry("fec0::/10", Kind.NOT_GLOBAL),
        entry("ff00::/8", Kind.NOT_UNICAST),            // multicast, RFC 4291 §2.7
    };

    private SpecialPurposeAddresses() {
    }

    private static Entry entry(String range, Kind kind) {
        return new Entry(AddressRange.parse(range), kind);
    }

    /** The kind of the IPv4 address {@code address} (network order, as an int). */
    static Kind ipv4(int address) {
        for (Entry entry : IPV4) {
            if (entry.range.containsIpv4(address)) {
                return entry.kind;
            }
        }
        return Kind.GLOBAL;
    }

    /** The kind of the IPv6 address with bits 0..63 {@code high} and 64..127 {@code low}. */
    static Kind ipv6(long high, long low) {
        for (Entry entry : IPV6) {
            if (entry.range.containsIpv6(high, low)) {
                return entry.kind;
            }
        }
        return Kind.GLOBAL;
    }
}
