package io.turnkit.server.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Slows down password guessing without locking out the other users of a shared address. Failed authentications are
 * counted twice: per (source, claimed user) — the USERNAME, or the USERHASH of an anonymous request — against
 * {@code maxFailures} per window, and per source against {@value #SOURCE_LIMIT_FACTOR} times that, which stops a
 * source that tries many usernames (enumeration, or guessing one password across users). A request is refused while
 * either of its keys is blocked; a key is blocked until a window has passed since the failure that reached its limit.
 * Failed means credentials were offered and refused (unknown user, wrong integrity): a request without credentials
 * is the normal first step of RFC 8489 §9.2 and is never limited.
 *
 * <p>Counting per user is what keeps good users behind a NAT working while a neighbour, or a misconfigured client,
 * keeps failing; the per-source limit is the bound on what one source can try in a window.
 *
 * <p>A source is an IPv4 address or an IPv6 /64: a single IPv6 host usually holds a whole /64, and counting its
 * addresses one by one would let it guess without limit and flush the table. At most {@code maxTrackedKeys}
 * (source, user) pairs and as many sources are remembered, the least recently seen forgotten first
 * ({@link FailureCounts}), so memory stays bounded under a flood of spoofed addresses or invented usernames.
 * Thread-safe.
 */
public final class AuthRateLimiter {
    public static final int DEFAULT_MAX_FAILURES = 10;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;
    /** How many more failures a source may have, across all its users, than one of its users. */
    public static final int SOURCE_LIMIT_FACTOR = 10;

    private final FailureCounts<Claim> claims;
    private final FailureCounts<Source> sources;

    /** A source address, reduced to what one client controls: IPv4 /32 or IPv6 /64. */
    private record Source(long high, long low) {
        static Source of(InetAddress ip) {
            byte[] bytes = ip.getAddress();
            if (ip instanceof Inet4Address) {
                return new Source(0, 0xFFFF_0000_0000L | (read(bytes, 0, 4) & 0xFFFF_FFFFL));
            }
            return new Source(read(bytes, 0, 8), 0);
        }

        private static long read(byte[] bytes, int from, int count) {
            long value = 0;
            for (int i = from; i < from + count; i++) {
                value = value << 8 | (bytes[i] & 0xFF);
            }
            return value;
        }
    }

    /** A user as claimed from one source. */
    private record Claim(Source source, ClaimedUser user) {
    }

    /**
     * {@value #DEFAULT_MAX_FAILURES} failures per minute and user, {@value #SOURCE_LIMIT_FACTOR} times that per
     * source; {@value #DEFAULT_MAX_TRACKED_KEYS} keys of each kind.
     */
    public AuthRateLimiter() {
        this(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_MAX_TRACKED_KEYS);
    }

    /**
     * @param maxFailures    failures within {@code window} that block a (source, user); a source is blocked after
     *                       {@value #SOURCE_LIMIT_FACTOR} times as many
     * @param window         how long failures count, and how long a block lasts
     * @param maxTrackedKeys how many (source, user) pairs, and how many sources, are remembered at most
     */
    public AuthRateLimiter(int maxFailures, Duration window, int maxTrackedKeys) {
        if (maxFailures > Integer.MAX_VALUE / SOURCE_LIMIT_FACTOR) {
            throw new IllegalArgumentException("maxFailures too large: " + maxFailures);
        }
        this.claims = new FailureCounts<>(maxFailures, window, maxTrackedKeys);
        this.sources = new FailureCounts<>(maxFailures * SOURCE_LIMIT_FACTOR, window, maxTrackedKeys);
    }

    /**
     * Whether credentials of {@code user} offered from {@code ip} may be checked; false while that user
     * or the whole source is blocked.
     */
    boolean allowed(InetAddress ip, ClaimedUser user, long nowNanos) {
        Source source = Source.of(ip);
        // Both are asked, so that each forgets a key whose failures no longer count.
        boolean claimBlocked = claims.isBlocked(new Claim(source, user), nowNanos);
        boolean sourceBlocked = sources.isBlocked(source, nowNanos);
        return !claimBlocked && !sourceBlocked;
    }

    /** Records a failed authentication as {@code user} from {@code ip}. */
    void failed(InetAddress ip, ClaimedUser user, long nowNanos) {
        Source source = Source.of(ip);
        claims.failed(new Claim(source, user), nowNanos);
        sources.failed(source, nowNanos);
    }

    /** Keys currently remembered: (source, user) pairs plus sources. */
    public int trackedKeys() {
        return claims.size() + sources.size();
    }
}
