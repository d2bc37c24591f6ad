package io.turnkit.server.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Recent failed authentications per key, for {@link AuthRateLimiter}: a key that reaches {@code limit} failures
 * within a window is blocked until a window has passed since the failure that reached the limit.
 *
 * <p>At most {@code capacity} keys are remembered, the least recently seen forgotten first, so that memory stays
 * bounded under a flood of spoofed sources or invented usernames. Thread-safe: the table is split in stripes, each
 * under its own lock, so event loops rarely wait for each other.
 *
 * @param <K> the key: a value type with {@code equals} and {@code hashCode}
 */
final class FailureCounts<K> {
    private static final int STRIPES = 16;

    private final int limit;
    private final long windowNanos;
    private final List<Stripe<K>> stripes = new ArrayList<>(STRIPES);

    /** Failures of one key; guarded by its stripe. */
    private static final class Failures {
        long windowStart;
        int count;
        boolean blocked;
        long blockedUntil;

        Failures(long now) {
            windowStart = now;
        }
    }

    /** A part of the table, in access order so that the least recently seen key is evicted first. */
    private static final class Stripe<K> {
        final LinkedHashMap<K, Failures> keys = new LinkedHashMap<>(64, 0.75f, true);
        final int capacity;

        Stripe(int capacity) {
            this.capacity = capacity;
        }
    }

    FailureCounts(int limit, Duration window, int capacity) {
        if (limit < 1 || window.isNegative() || window.isZero() || capacity < STRIPES) {
            throw new IllegalArgumentException("need a limit >= 1, a positive window and a capacity >= " + STRIPES);
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        for (int i = 0; i < STRIPES; i++) {
            stripes.add(new Stripe<>(capacity / STRIPES));
        }
    }

    /** Whether {@code key} is blocked at {@code nowNanos}; forgets the key once its failures no longer count. */
    boolean isBlocked(K key, long nowNanos) {
        Stripe<K> stripe = stripe(key);
        synchronized (stripe) {
            Failures failures = stripe.keys.get(key);
            if (failures == null) {
                return false;
            }
            if (failures.blocked) {
                if (nowNanos - failures.blockedUntil < 0) {
                    return true;
                }
                stripe.keys.remove(key); // served its time: start afresh
            } else if (nowNanos - failures.windowStart >= windowNanos) {
                stripe.keys.remove(key); // its failures are too old to count
            }
            return false;
        }
    }

    /** Records a failure of {@code key} at {@code nowNanos}. */
    void failed(K key, long nowNanos) {
        Stripe<K> stripe = stripe(key);
        synchronized (stripe) {
            Failures failures = stripe.keys.get(key);
            if (failures == null) {
                failures = new Failures(nowNanos);
                stripe.keys.put(key, failures);
                evictBeyondCapacity(stripe);
            } else if (nowNanos - failures.windowStart >= windowNanos) {
                failures.windowStart = nowNanos;
                failures.count = 0;
            }
            if (++failures.count >= limit) {
                failures.blocked = true;
                failures.blockedUntil = nowNanos + windowNanos;
            }
        }
    }

    /** Keys currently remembered. */
    int size() {
        int size = 0;
        for (Stripe<K> stripe : stripes) {
            synchronized (stripe) {
                size += stripe.keys.size();
            }
        }
        return size;
    }

    private Stripe<K> stripe(K key) {
        int hash = key.hashCode();
        return stripes.get((hash ^ hash >>> 16) & (STRIPES - 1));
    }

    private static <K> void evictBeyondCapacity(Stripe<K> stripe) {
        Iterator<K> eldest = stripe.keys.keySet().iterator();
        while (stripe.keys.size() > stripe.capacity) {
            eldest.next();
            eldest.remove();
        }
    }
}
