package io.turnkit.server.policy;

/**
 * The IPv6 forms that carry an IPv4 address. A peer written in one of them reaches (or names) that IPv4
 * host, so a policy that judged only the IPv6 literal could be walked around: {@code ::ffff:127.0.0.1}
 * is coturn's CVE-2026-27624, after {@code 0.0.0.0} and {@code ::} were CVE-2020-26262.
 *
 * <p>Each form is read from the two 64-bit halves of the address, bits 0..63 ({@code high}) and 64..127
 * ({@code low}), without allocating.
 */
enum Ipv4Embedding {
    /** {@code ::ffff:a.b.c.d}, RFC 4291 §2.5.5.2: the IPv4 host itself on a dual-stack socket. */
    MAPPED {
        @Override
        boolean matches(long high, long low) {
            return high == 0 && low >>> 32 == 0xffffL;
        }
    },
    /**
     * {@code ::a.b.c.d}, RFC 4291 §2.5.5.1 (deprecated, still tunnelled by some stacks). {@code ::} and
     * {@code ::1} are the unspecified and loopback addresses, not IPv4 0.0.0.0 and 0.0.0.1.
     */
    COMPATIBLE {
        @Override
        boolean matches(long high, long low) {
            return high == 0 && low >>> 32 == 0 && Long.compareUnsigned(low, 1) > 0;
        }
    },
    /** {@code 64:ff9b::a.b.c.d}, RFC 6052 §2.1: the well-known NAT64 prefix; the translator sends to a.b.c.d. */
    NAT64 {
        @Override
        boolean matches(long high, long low) {
            return high == 0x0064_ff9b_0000_0000L && low >>> 32 == 0;
        }
    },
    /**
     * {@code 64:ff9b:1::/48}, RFC 8215: local-use NAT64 prefixes, read in the /96 layout (IPv4 in the last
     * 32 bits) that operators carve out of it. The prefix itself is not globally reachable, so a peer in
     * it is denied by default whatever it carries.
     */
    NAT64_LOCAL_USE {
        @Override
        boolean matches(long high, long low) {
            return high >>> 16 == 0x0064_ff9b_0001L;
        }
    },
    /** {@code 2002:AABB:CCDD::/48}, RFC 3056 §2: 6to4; the site's router is at AA.BB.CC.DD. */
    SIX_TO_FOUR {
        @Override
        boolean matches(long high, long low) {
            return high >>> 48 == 0x2002L;
        }

        @Override
        int ipv4(long high, long low) {
            return (int) (high >>> 16);
        }
    },
    /**
     * {@code 2001:0::/32}, RFC 4380 §4: Teredo. The Teredo server's IPv4 sits in bits 32..63 and the
     * client's public IPv4, inverted, in bits 96..127; both are judged.
     */
    TEREDO {
        @Override
        boolean matches(long high, long low) {
            return high >>> 32 == 0x2001_0000L;
        }

        @Override
        int ipv4(long high, long low) {
            return (int) high;
        }

        @Override
        boolean hasSecondIpv4() {
            return true;
        }

        @Override
        int secondIpv4(long high, long low) {
            return ~(int) low;
        }
    };

    private static final Ipv4Embedding[] ALL = values();

    /** The embedding the address uses, or null for a plain IPv6 address. */
    static Ipv4Embedding of(long high, long low) {
        for (Ipv4Embedding embedding : ALL) {
            if (embedding.matches(high, low)) {
                return embedding;
            }
        }
        return null;
    }

    abstract boolean matches(long high, long low);

    /** The (first) embedded IPv4 address, network order, as an int: by default the last 32 bits. */
    int ipv4(long high, long low) {
        return (int) low;
    }

    /** Whether the form carries a second IPv4 address (Teredo does). */
    boolean hasSecondIpv4() {
        return false;
    }

    /** The second embedded IPv4 address; meaningful only when {@link #hasSecondIpv4()}. */
    int secondIpv4(long high, long low) {
        return 0;
    }
}
