package io.turnkit.server.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Which peers a client may relay to. RFC 8656 §10.2 and §12.2 let a server refuse a peer address with
 * 403 (Forbidden); without such a policy a TURN server is an open door into the network it sits in (its
 * loopback, the cloud metadata service, private networks), which is what its security considerations
 * (§21) warn about.
 *
 * <p>A peer address names up to three hosts: its literal form and the IPv4 addresses embedded in it
 * ({@link Ipv4Embedding}: {@code 64:ff9b::a00:1}, {@code 2002:a00:1::}, Teredo…). Each of them is judged,
 * and the peer is allowed only when every one is. An IPv4-mapped address ({@code ::ffff:10.0.0.1}) is only
 * another spelling of the IPv4 address, as Java has it too, and is judged as that address alone. In order:
 * <ol>
 *   <li>a {@code denied-peer-ip} range that holds any of them denies the peer, whatever else matches;
 *   <li>unspecified, multicast and broadcast addresses are denied: they are never a unicast peer, and
 *       coturn's {@code no-multicast-peers} is always on;
 *   <li>loopback ({@code 127.0.0.0/8}, {@code ::1}) is allowed only with {@code allow-loopback-peers}, as
 *       in coturn, where an {@code allowed-peer-ip} does not open it either;
 *   <li>any other address that IANA's special-purpose registries mark not globally reachable (private,
 *       carrier NAT, link local with the cloud metadata service, documentation, unique local…) is allowed
 *       only when an {@code allowed-peer-ip} range holds it, an internal media server for example;
 *   <li>every other address is allowed.
 * </ol>
 * Allowed ranges open the form they match: {@code allowed-peer-ip=10.1.2.3} opens {@code 10.1.2.3} and
 * {@code ::ffff:10.1.2.3}, but not the local-use NAT64 literal {@code 64:ff9b:1::a01:203}, which goes
 * through a translator of its own and needs an IPv6 range. Unlike coturn, a denied range wins over an
 * allowed one that overlaps it.
 *
 * <p>Checks never allocate for IPv4 peers, nor for IPv6 peers handed over as two longs: a Send indication
 * is checked on the relay path.
 */
public final class PeerPolicy {
    /** The outcome of a check, with the reason for a denial (for counters and logs). */
    public enum Verdict {
        /** The peer may be relayed to. */
        ALLOWED,
        /** A {@code denied-peer-ip} range holds the peer or an address embedded in it. */
        DENIED_BY_RULE,
        /** A loopback address, without {@code allow-loopback-peers}. */
        DENIED_LOOPBACK,
        /** Unspecified, multicast or broadcast: never a unicast peer. */
        DENIED_NOT_UNICAST,
        /** Not globally reachable, and no {@code allowed-peer-ip} range holds it. */
        DENIED_SPECIAL_PURPOSE;

        /** True for {@link #ALLOWED} only. */
        public boolean isAllowed() {
            return this == ALLOWED;
        }
    }

    private final boolean allowLoopbackPeers;
    private final AddressRange[] allowedIpv4;
    private final AddressRange[] allowedIpv6;
    private final AddressRange[] deniedIpv4;
    private final AddressRange[] deniedIpv6;

    /**
     * @param allowLoopbackPeers coturn's {@code allow-loopback-peers}: relay to 127.0.0.0/8 and ::1
     * @param allowed coturn's {@code allowed-peer-ip} ranges
     * @param denied coturn's {@code denied-peer-ip} ranges
     */
    public PeerPolicy(boolean allowLoopbackPeers, List<AddressRange> allowed, List<AddressRange> denied) {
        this.allowLoopbackPeers = allowLoopbackPeers;
        this.allowedIpv4 = family(allowed, true);
        this.allowedIpv6 = family(allowed, false);
        this.deniedIpv4 = family(denied, true);
        this.deniedIpv6 = family(denied, false);
    }

    /** The policy with no options: special-purpose addresses denied, the rest of the Internet allowed. */
    public static PeerPolicy defaults() {
        return new PeerPolicy(false, List.of(), List.of());
    }

    private static AddressRange[] family(List<AddressRange> ranges, boolean ipv4) {
        return ranges.stream().filter(range -> range.isIpv4() == ipv4).toArray(AddressRange[]::new);
    }

    /** Judges a peer address; never allocates for an {@link Inet4Address}. */
    public Verdict check(InetAddress peer) {
        if (peer instanceof Inet4Address) {
            return checkIpv4(IpLiteral.ipv4Bits((Inet4Address) peer));
        }
        byte[] address = peer.getAddress();
        return checkIpv6(IpLiteral.ipv6Half(address, 0), IpLiteral.ipv6Half(address, 8));
    }

    /** Shorthand for {@code check(peer).isAllowed()}. */
    public boolean isAllowed(InetAddress peer) {
        return check(peer).isAllowed();
    }

    /** Judges the IPv4 peer {@code address} (network order, as an int, as XOR-PEER-ADDRESS carries it). */
    public Verdict checkIpv4(int address) {
        return contains(deniedIpv4, address) ? Verdict.DENIED_BY_RULE : judgeIpv4(address);
    }

    /** Judges the IPv6 peer with bits 0..63 {@code high} and 64..127 {@code low}. */
    public Verdict checkIpv6(long high, long low) {
        Ipv4Embedding embedding = Ipv4Embedding.of(high, low);
        if (embedding == null) {
            return contains(deniedIpv6, high, low) ? Verdict.DENIED_BY_RULE : judgeIpv6(high, low);
        }
        if (embedding == Ipv4Embedding.MAPPED) {
            // Only a notation for the IPv4 host, which is what Java makes of it too: judged as that host.
            return checkIpv4(embedding.ipv4(high, low));
        }
        int first = embedding.ipv4(high, low);
        boolean two = embedding.hasSecondIpv4();
        int second = embedding.secondIpv4(high, low);
        // Denied ranges first, over every form: a denial must not be outvoted by another form's allowance.
        if (contains(deniedIpv6, high, low) || contains(deniedIpv4, first) || two && contains(deniedIpv4, second)) {
            return Verdict.DENIED_BY_RULE;
        }
        Verdict verdict = judgeIpv6(high, low);
        if (verdict.isAllowed()) {
            verdict = judgeIpv4(first);
        }
        if (verdict.isAllowed() && two) {
            verdict = judgeIpv4(second);
        }
        return verdict;
    }

    private Verdict judgeIpv4(int address) {
        SpecialPurposeAddresses.Kind kind = SpecialPurposeAddresses.ipv4(address);
        return kind == SpecialPurposeAddresses.Kind.NOT_GLOBAL && contains(allowedIpv4, address)
                ? Verdict.ALLOWED : verdict(kind);
    }

    private Verdict judgeIpv6(long high, long low) {
        SpecialPurposeAddresses.Kind kind = SpecialPurposeAddresses.ipv6(high, low);
        return kind == SpecialPurposeAddresses.Kind.NOT_GLOBAL && contains(allowedIpv6, high, low)
                ? Verdict.ALLOWED : verdict(kind);
    }

    /** The verdict for an address of {@code kind} that no allowed range holds. */
    private Verdict verdict(SpecialPurposeAddresses.Kind kind) {
        switch (kind) {
            case GLOBAL:
                return Verdict.ALLOWED;
            case LOOPBACK:
                return allowLoopbackPeers ? Verdict.ALLOWED : Verdict.DENIED_LOOPBACK;
            case NOT_UNICAST:
                return Verdict.DENIED_NOT_UNICAST;
            default:
                return Verdict.DENIED_SPECIAL_PURPOSE;
        }
    }

    private static boolean contains(AddressRange[] ranges, int address) {
        for (AddressRange range : ranges) {
            if (range.containsIpv4(address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(AddressRange[] ranges, long high, long low) {
        for (AddressRange range : ranges) {
            if (range.containsIpv6(high, low)) {
                return true;
            }
        }
        return false;
    }
}
