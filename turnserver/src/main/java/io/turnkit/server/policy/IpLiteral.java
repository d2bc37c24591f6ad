package io.turnkit.server.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.netty.util.NetUtil;

/**
 * IP address literals as operators write them in flags and configuration files, read without any DNS
 * lookup, and the bit views of an address that range checks use.
 *
 * <p>Stricter than {@code InetAddress.getByName}: no host names, no zone ids ({@code fe80::1%eth0}), no
 * brackets, and no leading zeros in a dotted quad, since {@code 010.0.0.1} is 8.0.0.1 to some parsers and
 * 10.0.0.1 to others, and an ambiguous deny rule is a hole.
 */
public final class IpLiteral {
    private static final String EXPECTED = "expected an IPv4 or IPv6 address";
    private static final String EXPECTED_WITH_PORT = "expected ADDRESS[:PORT], an IPv6 address in brackets before a port";
    private static final String EXPECTED_HOST_WITH_PORT = "expected HOST[:PORT], an IP address or a host name, an "
            + "IPv6 address in brackets before a port";

    private IpLiteral() {
    }

    /**
     * Parses an address literal. An IPv4-mapped IPv6 literal ({@code ::ffff:1.2.3.4}) becomes the IPv4
     * address, as everywhere in Java.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static InetAddress parse(String text) {
        try {
            return InetAddress.getByAddress(parseBytes(text));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address was refused", e);
        }
    }

    /**
     * Parses {@code ADDRESS[:PORT]}, with an IPv6 address in brackets when a port follows ({@code [2001:db8::1]:3478},
     * as RFC 3986 writes it); a bare IPv6 literal has no port.
     *
     * @param defaultPort the port when none is written
     * @throws IllegalArgumentException naming the expected form
     */
    public static InetSocketAddress parseWithPort(String text, int defaultPort) {
        return withPort(text, defaultPort, false);
    }

    /**
     * Parses {@code HOST[:PORT]} as {@link #parseWithPort}, where HOST may also be a DNS name (RFC 1123 letters,
     * digits, hyphens and dots, at most 255 characters), looked up now: the address keeps the name (its
     * {@code getHostString()}), for a peer that checks a certificate against it. A name that does not resolve
     * gives an unresolved address, for the caller to refuse.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static InetSocketAddress parseHostWithPort(String text, int defaultPort) {
        return withPort(text, defaultPort, true);
    }

    private static InetSocketAddress withPort(String text, int defaultPort, boolean hostName) {
        String address = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 < text.length() && text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(EXPECTED_WITH_PORT + ", got '" + text + "'");
            }
            address = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : null;
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            address = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        InetAddress ip = null;
        try {
            ip = parse(address);
        } catch (IllegalArgumentException e) {
            if (!hostName || text.startsWith("[") || !isHostName(address)) {
                throw new IllegalArgumentException((hostName ? EXPECTED_HOST_WITH_PORT : EXPECTED_WITH_PORT)
                        + ", got '" + text + "'");
            }
        }
        int number = defaultPort;
        if (port != null) {
            boolean digits = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
            number = digits ? Integer.parseInt(port) : 0;
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("expected a port number 1-65535 after the address, got '" + text
                        + "'");
            }
        }
        return ip != null ? new InetSocketAddress(ip, number) : new InetSocketAddress(address, number);
    }

    /** RFC 1123 §2.1 host name syntax, in ASCII and at most 255 characters (RFC 8489 §14.16). */
    private static boolean isHostName(String text) {
        if (text.isEmpty() || text.length() > 255) {
            return false;
        }
        for (String label : text.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The network-order bytes of an address literal: 4 for IPv4, 16 for IPv6. Unlike {@link #parse}, an
     * IPv4-mapped literal stays 16 bytes, so {@code ::ffff:0:0/96} can be written as a range.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    static byte[] parseBytes(String text) {
        if (text == null || text.isEmpty() || text.indexOf('%') >= 0 || text.indexOf('[') >= 0
                || hasLeadingZeroOctet(text)) {
            throw new IllegalArgumentException(EXPECTED + ", got '" + text + "'");
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            throw new IllegalArgumentException(EXPECTED + ", got '" + text + "'");
        }
        return bytes;
    }

    /** True when a dotted-quad part of the literal has a decimal octet written with a leading zero. */
    private static boolean hasLeadingZeroOctet(String text) {
        int start = Math.max(text.lastIndexOf(':') + 1, 0);
        if (text.indexOf('.', start) < 0) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            boolean octetStart = i == start || text.charAt(i - 1) == '.';
            if (octetStart && text.charAt(i) == '0' && i + 1 < text.length() && text.charAt(i + 1) != '.') {
                return true;
            }
        }
        return false;
    }

    /**
     * The IPv4 address as an int, read without allocating: OpenJDK's {@code Inet4Address.hashCode()} is
     * the address itself (a unit test holds us to that), where {@code getAddress()} copies it into a new
     * array on every call. The relay path checks a peer for every Send indication.
     */
    static int ipv4Bits(Inet4Address address) {
        return address.hashCode();
    }

    /** The 4 bytes of an IPv4 address, network order, as an int. */
    static int ipv4Bits(byte[] address, int offset) {
        return (address[offset] & 0xff) << 24 | (address[offset + 1] & 0xff) << 16
                | (address[offset + 2] & 0xff) << 8 | address[offset + 3] & 0xff;
    }

    /** Bits 0..63 (high) or 64..127 (low, with {@code offset} 8) of a 16-byte IPv6 address. */
    static long ipv6Half(byte[] address, int offset) {
        return (long) ipv4Bits(address, offset) << 32 | ipv4Bits(address, offset + 4) & 0xffffffffL;
    }
}
