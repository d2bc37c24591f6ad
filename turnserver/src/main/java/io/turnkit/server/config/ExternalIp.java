package io.turnkit.server.config;

import java.net.Inet4Address;
import java.net.InetAddress;

import io.turnkit.server.policy.IpLiteral;

/**
 * coturn's {@code external-ip}: for a server behind a 1:1 NAT, the public address clients must be told
 * in XOR-RELAYED-ADDRESS (RFC 8656 §18.5) instead of the private one the relay socket is bound to. The NAT
 * must keep ports: relayed port 50000 is port 50000 on the public address too.
 *
 * <p>{@code PUBLIC/PRIVATE} maps one relay address; a bare {@code PUBLIC} stands for every relay address
 * of its family (coturn allows one such entry, so turnkit allows one per family).
 *
 * @param publicIp the address the NAT shows to the Internet
 * @param privateIp the relay address it maps, or null for every relay address of the same family
 */
public record ExternalIp(InetAddress publicIp, InetAddress privateIp) {
    private static final String EXPECTED = "expected PUBLIC or PUBLIC/PRIVATE IP addresses of one family";

    /** @throws IllegalArgumentException when the private address is of the other family */
    public ExternalIp {
        if (publicIp == null) {
            throw new IllegalArgumentException(EXPECTED + ", got no public address");
        }
        if (privateIp != null && isIpv4(publicIp) != isIpv4(privateIp)) {
            throw new IllegalArgumentException(EXPECTED + ", got " + describe(publicIp, privateIp));
        }
    }

    /**
     * Parses {@code PUBLIC} or {@code PUBLIC/PRIVATE}.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static ExternalIp parse(String text) {
        int slash = text.indexOf('/');
        try {
            if (slash < 0) {
                return new ExternalIp(IpLiteral.parse(text), null);
            }
            return new ExternalIp(IpLiteral.parse(text.substring(0, slash)), IpLiteral.parse(text.substring(slash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EXPECTED + ", got '" + text + "'", e);
        }
    }

    /** True when this entry maps every relay address of its family. */
    public boolean mapsWholeFamily() {
        return privateIp == null;
    }

    static boolean isIpv4(InetAddress address) {
        return address instanceof Inet4Address;
    }

    private static String describe(InetAddress publicIp, InetAddress privateIp) {
        return publicIp.getHostAddress() + (privateIp == null ? "" : "/" + privateIp.getHostAddress());
    }

    /** The entry as coturn writes it: {@code PUBLIC} or {@code PUBLIC/PRIVATE}. */
    @Override
    public String toString() {
        return describe(publicIp, privateIp);
    }
}
