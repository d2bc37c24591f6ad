package io.turnkit.server.transport.nativeudp;

import java.net.Inet6Address;

/**
 * The bytes of the IPv6 addresses datagrams are sent to, kept so that sending to a destination seen before
 * costs no allocation: {@link Inet6Address#getAddress()} copies them out each time. A relay sends to the same
 * few address objects (a permission's peer, a client's address), so a direct-mapped table by the address's hash
 * (computed without copying) hits almost always; a miss copies once and replaces what its slot held, so many
 * destinations cost allocations, never memory beyond the table. Used from one thread only.
 */
final class DestinationAddresses {
    private final int mask;
    private final Inet6Address[] addresses;
    private final byte[][] bytes;

    /** A table of {@code slots} entries, a power of two. */
    DestinationAddresses(int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        mask = slots - 1;
        addresses = new Inet6Address[slots];
        bytes = new byte[slots][];
    }

    /** The 16 bytes of {@code address}, network order; not to be changed. */
    byte[] bytes(Inet6Address address) {
        int hash = address.hashCode();
        int slot = (hash ^ hash >>> 16) & mask;
        Inet6Address cached = addresses[slot];
        if (cached != address && !address.equals(cached)) {
            addresses[slot] = address;
            bytes[slot] = address.getAddress();
        }
        return bytes[slot];
    }
}
