package io.turnkit.server.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import io.netty.util.NetUtil;

/**
 * An inclusive range of IPv4 or IPv6 addresses, as coturn's {@code allowed-peer-ip} and
 * {@code denied-peer-ip} take them: one address ({@code 10.1.2.3}), a CIDR block ({@code 10.0.0.0/8},
 * {@code fd00::/8}) or two addresses joined by a dash ({@code 83.166.64.0-83.166.95.255}).
 *
 * <p>The bounds are kept as unsigned integers (an int for IPv4, two longs for IPv6), so a membership test
 * is two comparisons and never allocates. A range holds one family only: {@code 10.0.0.0/8} does not
 * match {@code ::ffff:10.0.0.1} here; {@link PeerPolicy} matches the IPv4 address embedded in it.
 */
public final class AddressRange {
    private static final String EXPECTED =
            "expected an address, a CIDR block (10.0.0.0/8, fd00::/8) or a range FIRST-LAST";

    private final boolean ipv4;
    private final long firstHigh;
    private final long firstLow;
    private final long lastHigh;
    private final long lastLow;
    private final String text;

    private AddressRange(boolean ipv4, long firstHigh, long firstLow, long lastHigh, long lastLow) {
        this.ipv4 = ipv4;
        this.firstHigh = firstHigh;
        this.firstLow = firstLow;
        this.lastHigh = lastHigh;
        this.lastLow = lastLow;
        this.text = describe();
    }

    /**
     * Parses {@code ADDRESS}, {@code ADDRESS/PREFIX-LENGTH} or {@code FIRST-LAST}. Host bits under a
     * prefix are ignored: {@code 192.168.1.7/24} is {@code 192.168.1.0/24}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static AddressRange parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(EXPECTED + ", got nothing");
        }
        try {
            int dash = text.indexOf('-');
            if (dash >= 0) {
                return between(IpLiteral.parseBytes(text.substring(0, dash)),
                        IpLiteral.parseBytes(text.substring(dash + 1)), text);
            }
            int slash = text.indexOf('/');
            if (slash >= 0) {
                return block(IpLiteral.parseBytes(text.substring(0, slash)),
                        prefixLength(text.substring(slash + 1)));
            }
            byte[] address = IpLiteral.parseBytes(text);
            return block(address, address.length * 8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EXPECTED + ", got '" + text + "'", e);
        }
    }

    private static int prefixLength(String text) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad prefix length '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    private static AddressRange block(byte[] address, int prefixLength) {
        int bits = address.length * 8;
        if (prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is over " + bits);
        }
        long high = high(address);
        long low = low(address);
        // Netmask over 128 bits: the first prefixLength bits set, split across the two halves.
        int shift = prefixLength + (128 - bits);
        long maskHigh = shift >= 64 ? -1L : shift == 0 ? 0 : -1L << (64 - shift);
        long maskLow = shift <= 64 ? 0 : shift == 128 ? -1L : -1L << (128 - shift);
        return new AddressRange(bits == 32, high & maskHigh, low & maskLow, high | ~maskHigh, low | ~maskLow);
    }

    private static AddressRange between(byte[] first, byte[] last, String text) {
        if (first.length != last.length) {
            throw new IllegalArgumentException("mixed IPv4 and IPv6 in '" + text + "'");
        }
        if (compare(high(first), low(first), high(last), low(last)) > 0) {
            throw new IllegalArgumentException("first address above the last in '" + text + "'");
        }
        return new AddressRange(first.length == 4, high(first), low(first), high(last), low(last));
    }

    /** IPv4 addresses sit in the low 32 bits of the low half, IPv6 fill both halves. */
    private static long high(byte[] address) {
        return address.length == 4 ? 0 : IpLiteral.ipv6Half(address, 0);
    }

    private static long low(byte[] address) {
        return address.length == 4 ? IpLiteral.ipv4Bits(address, 0) & 0xffffffffL : IpLiteral.ipv6Half(address, 8);
    }

    private static int compare(long high, long low, long otherHigh, long otherLow) {
        return high != otherHigh ? Long.compareUnsigned(high, otherHigh) : Long.compareUnsigned(low, otherLow);
    }

    /** True for an IPv4 range, false for an IPv6 one. */
    public boolean isIpv4() {
        return ipv4;
    }

    /** Whether {@code address} lies in this range; an address of the other family never does. */
    public boolean contains(InetAddress address) {
        if (address instanceof Inet4Address) {
            return containsIpv4(IpLiteral.ipv4Bits((Inet4Address) address));
        }
        byte[] bytes = ((Inet6Address) address).getAddress();
        return containsIpv6(IpLiteral.ipv6Half(bytes, 0), IpLiteral.ipv6Half(bytes, 8));
    }

    /** Whether the IPv4 address {@code address} (network order, as an int) lies in this range. */
    public boolean containsIpv4(int address) {
        long value = address & 0xffffffffL;
        return ipv4 && value >= firstLow && value <= lastLow;
    }

    /** Whether the IPv6 address with bits 0..63 {@code high} and 64..127 {@code low} lies in this range. */
    public boolean containsIpv6(long high, long low) {
        return !ipv4 && compare(high, low, firstHigh, firstLow) >= 0 && compare(high, low, lastHigh, lastLow) <= 0;
    }

    /** Whether this range and {@code other} share at least one address. */
    public boolean overlaps(AddressRange other) {
        return ipv4 == other.ipv4
                && compare(firstHigh, firstLow, other.lastHigh, other.lastLow) <= 0
                && compare(other.firstHigh, other.firstLow, lastHigh, lastLow) <= 0;
    }

    private String describe() {
        String first = format(firstHigh, firstLow);
        if (firstHigh == lastHigh && firstLow == lastLow) {
            return first;
        }
        int prefix = blockPrefixLength();
        return prefix >= 0 ? first + "/" + prefix : first + "-" + format(lastHigh, lastLow);
    }

    /** The prefix length when the range is exactly one CIDR block, else -1. */
    private int blockPrefixLength() {
        long spanHigh = firstHigh ^ lastHigh;
        long spanLow = firstLow ^ lastLow;
        int hostBits = spanHigh != 0 ? 128 - Long.numberOfLeadingZeros(spanHigh)
                : 64 - Long.numberOfLeadingZeros(spanLow);
        long hostHigh = hostBits <= 64 ? 0 : -1L >>> (128 - hostBits);
        long hostLow = hostBits >= 64 ? -1L : -1L >>> (64 - hostBits);
        boolean block = (firstHigh & hostHigh) == 0 && (firstLow & hostLow) == 0
                && (lastHigh & hostHigh) == hostHigh && (lastLow & hostLow) == hostLow;
        return block ? (ipv4 ? 32 : 128) - hostBits : -1;
    }

    private String format(long high, long low) {
        byte[] bytes = new byte[ipv4 ? 4 : 16];
        for (int i = 0; i < bytes.length; i++) {
            int bit = (bytes.length - 1 - i) * 8;
            bytes[i] = (byte) (bit >= 64 ? high >>> (bit - 64) : low >>> bit);
        }
        return NetUtil.bytesToIpAddress(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range && range.ipv4 == ipv4 && range.firstHigh == firstHigh
                && range.firstLow == firstLow && range.lastHigh == lastHigh && range.lastLow == lastLow;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(firstHigh * 31 + firstLow) * 31 + Long.hashCode(lastHigh * 31 + lastLow);
    }

    /** The range in the shortest of the accepted forms: {@code 10.0.0.0/8}, {@code 1.2.3.4-1.2.3.9}. */
    @Override
    public String toString() {
        return text;
    }
}
