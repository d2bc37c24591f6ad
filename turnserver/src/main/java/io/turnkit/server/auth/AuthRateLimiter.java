package io.turnkit.server.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Slows down password guessing: after {@code maxFailures} failed authentications from one source within a window,
 * every request from that source is dropped (and counted) until a window has passed since the last of those
 * failures. Failed means credentials were offered and refused (unknown user, wrong integrity): a request without
 * credentials is the normal first step of RFC 8489 §9.2 and costs nothing.
 *
 * <p>A source is an IPv4 address or an IPv6 /64: a single IPv6 host usually holds a whole /64, and counting its
 * addresses one by one would let it guess without limit and flush the table. At most {@code maxTrackedSources}
 * sources are remembered (the least recently seen is forgotten first), so memory stays bounded under a flood of
 * spoofed addresses. Thread-safe: the table is split in stripes, each under its own lock, so event loops rarely
 * wait for each other.
 */
public final class AuthRateLimiter {
    public static final int DEFAULT_MAX_FAILURES = 10;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final int DEFAULT_MAX_TRACKED_SOURCES = 100_000;
    private static final int STRIPES = 16;

    private final int maxFailures;
    private final long windowNanos;
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final LongAdder dropped = new LongAdder();

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

    /** Failures of one source; guarded by its stripe. */
    private static final class Failures {
        long windowStart;
        int count;
        boolean blocked;
        long blockedUntil;

        Failures(long now) {
            windowStart = now;
        }
    }

    /** A part of the table, in access order so that the least recently seen source is evicted first. */
    private static final class Stripe {
        final LinkedHashMap<Source, Failures> sources = new LinkedHashMap<>(64, 0.75f, true);
        final int capacity;

        Stripe(int capacity) {
            this.capacity = capacity;
        }
    }

    /** {@value #DEFAULT_MAX_FAILURES} failures per minute, {@value #DEFAULT_MAX_TRACKED_SOURCES} sources. */
    public AuthRateLimiter() {
        this(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_MAX_TRACKED_SOURCES);
    }

    public AuthRateLimiter(int maxFailures, Duration window, int maxTrackedSources) {
        if (maxFailures < 1 || window.isNegative() || window.isZero() || maxTrackedSources < STRIPES) {
            throw new IllegalArgumentException("need maxFailures >= 1, a positive window and maxTrackedSources >= "
                    + STRIPES);
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(maxTrackedSources / STRIPES);
        }
    }

    /** Whether a request from {@code ip} may be processed; false (and counted) while the source is blocked. */
    public boolean allowed(InetAddress ip, long nowNanos) {
        Source source = Source.of(ip);
        Stripe stripe = stripe(source);
        synchronized (stripe) {
            Failures failures = stripe.sources.get(source);
            if (failures == null) {
                return true;
            }
            if (failures.blocked) {
                if (nowNanos - failures.blockedUntil < 0) {
                    dropped.increment();
                    return false;
                }
                stripe.sources.remove(source); // served its time: start afresh
            } else if (nowNanos - failures.windowStart >= windowNanos) {
                stripe.sources.remove(source); // its failures are too old to count
            }
            return true;
        }
    }

    /** Records a failed authentication from {@code ip}. */
    public void failed(InetAddress ip, long nowNanos) {
        Source source = Source.of(ip);
        Stripe stripe = stripe(source);
        synchronized (stripe) {
            Failures failures = stripe.sources.get(source);
            if (failures == null) {
                failures = new Failures(nowNanos);
                stripe.sources.put(source, failures);
                evictBeyondCapacity(stripe);
            } else if (nowNanos - failures.windowStart >= windowNanos) {
                failures.windowStart = nowNanos;
                failures.count = 0;
            }
            if (++failures.count >= maxFailures) {
                failures.blocked = true;
                failures.blockedUntil = nowNanos + windowNanos;
            }
        }
    }

    /** Requests dropped so far because their source was blocked. */
    public long dropped() {
        return dropped.sum();
    }

    /** Sources currently remembered. */
    public int trackedSources() {
        int tracked = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                tracked += stripe.sources.size();
            }
        }
        return tracked;
    }

    private Stripe stripe(Source source) {
        int hash = source.hashCode();
        return stripes[(hash ^ hash >>> 16) & (STRIPES - 1)];
    }

    private static void evictBeyondCapacity(Stripe stripe) {
        Iterator<Source> eldest = stripe.sources.keySet().iterator();
        while (stripe.sources.size() > stripe.capacity) {
            eldest.next();
            eldest.remove();
        }
    }
}
