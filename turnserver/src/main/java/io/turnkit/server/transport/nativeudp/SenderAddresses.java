package io.turnkit.server.transport.nativeudp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sender addresses of received datagrams, kept so that a sender seen before costs no allocation: a
 * direct-mapped table from (family, address, port, IPv6 scope) to the InetSocketAddress made the first time.
 * A miss makes a new one and replaces what its slot held, so senders spraying addresses cost allocations,
 * never memory beyond the table. The hash is seeded per table, so nobody outside picks which senders collide.
 * Used from one thread only.
 */
final class SenderAddresses {
    private final int mask;
    private final int seed = ThreadLocalRandom.current().nextInt() | 1;
    /** Per slot: the address (IPv4 in the low 32 bits of {@code high}), port, family and scope. */
    private final long[] high;
    private final long[] low;
    /** The port, with the family (4 or 6) in the bits above it. */
    private final int[] portAndFamily;
    private final int[] scopes;
    private final InetSocketAddress[] addresses;

    /** A table of {@code slots} entries, a power of two. */
    SenderAddresses(int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        mask = slots - 1;
        high = new long[slots];
        low = new long[slots];
        portAndFamily = new int[slots];
        scopes = new int[slots];
        addresses = new InetSocketAddress[slots];
    }

    /** The sender at IPv4 {@code address} (network order, as {@link java.net.Inet4Address#hashCode()} has it). */
    InetSocketAddress ipv4(int address, int port) {
        return get(4, address, 0, port, 0);
    }

    /** The sender at the IPv6 address whose first and last 8 bytes (network order) are {@code high}, {@code low}. */
    InetSocketAddress ipv6(long high, long low, int port, int scope) {
        return get(6, high, low, port, scope);
    }

    private InetSocketAddress get(int family, long high, long low, int port, int scope) {
        int key = port | family << 16;
        long mixed = (high * 0x9E3779B97F4A7C15L ^ low) * 0xC2B2AE3D27D4EB4FL ^ key;
        int slot = (int) (mixed ^ mixed >>> 29) * seed >>> 7 & mask;
        InetSocketAddress cached = addresses[slot];
        if (cached != null && this.high[slot] == high && this.low[slot] == low && portAndFamily[slot] == key
                && scopes[slot] == scope) {
            return cached;
        }
        InetSocketAddress made = new InetSocketAddress(address(family, high, low, scope), port);
        this.high[slot] = high;
        this.low[slot] = low;
        portAndFamily[slot] = key;
        scopes[slot] = scope;
        addresses[slot] = made;
        return made;
    }

    private static InetAddress address(int family, long high, long low, int scope) {
        try {
            if (family == 4) {
                return InetAddress.getByAddress(bytes(high, 4));
            }
            byte[] bytes = new byte[16];
            System.arraycopy(bytes(high, 8), 0, bytes, 0, 8);
            System.arraycopy(bytes(low, 8), 0, bytes, 8, 8);
            // A scope only for addresses that have one (link-local), as the kernel reports it.
            return scope == 0 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, scope);
        } catch (UnknownHostException e) {
            // Only for an address of a length other than 4 or 16 bytes.
            throw new IllegalStateException(e);
        }
    }

    /** The last {@code length} bytes of {@code value}, most significant first. */
    private static byte[] bytes(long value, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (value >>> 8 * (length - 1 - i));
        }
        return bytes;
    }
}
