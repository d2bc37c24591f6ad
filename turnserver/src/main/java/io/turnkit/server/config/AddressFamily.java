package io.turnkit.server.config;

import java.util.Locale;

/**
 * coturn's {@code allocation-default-address-family}: the relayed address family (RFC 8656 §7.1) an Allocate
 * without REQUESTED-ADDRESS-FAMILY gets.
 */
public enum AddressFamily {
    /** RFC 8656 §7.1: IPv4 unless the client asks otherwise; coturn's default. */
    IPV4,
    /** An IPv6 relayed address. */
    IPV6,
    /** The family of the address the client reached the server on. */
    KEEP;

    /**
     * {@code ipv4}, {@code ipv6} or {@code keep}, in any case.
     *
     * @throws IllegalArgumentException for any other word
     */
    public static AddressFamily parse(String value) {
        for (AddressFamily family : values()) {
            if (family.name().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return family;
            }
        }
        throw new IllegalArgumentException("expected ipv4, ipv6 or keep, got '" + value + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
