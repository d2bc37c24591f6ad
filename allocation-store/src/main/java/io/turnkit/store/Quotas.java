package io.turnkit.store;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many allocations each user, and the server as a whole, may hold at once (coturn's
 * {@code --user-quota} and {@code --total-quota}; 0 means no limit). Over a limit the server answers
 * 486 (Allocation Quota Reached, RFC 8656 §7.2).
 *
 * <p>Thread-safe, shared by every event loop. The limits may change while the server runs (a reload): what is
 * held stays, and the new limits apply to the next allocation. A user's count leaves the map when it drops to zero,
 * so short-lived usernames (RFC 8489 time-limited credentials) do not pile up.
 */
public final class Quotas {
    /** The answer to a request for one more allocation. */
    public enum Verdict {
        GRANTED,
        USER_QUOTA_EXCEEDED,
        TOTAL_QUOTA_EXCEEDED
    }

    private static final int UNLIMITED = 0;

    private volatile int userQuota;
    private volatile int totalQuota;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> byUser = new ConcurrentHashMap<>();

    /** Quotas of {@code userQuota} allocations per user and {@code totalQuota} in all; 0 for no limit. */
    public Quotas(int userQuota, int totalQuota) {
        limit(userQuota, totalQuota);
    }

    /** From now on, {@code userQuota} allocations per user and {@code totalQuota} in all; 0 for no limit. */
    public void limit(int userQuota, int totalQuota) {
        if (userQuota < 0 || totalQuota < 0) {
            throw new IllegalArgumentException("quotas must not be negative: " + userQuota + ", " + totalQuota);
        }
        this.userQuota = userQuota;
        this.totalQuota = totalQuota;
    }

    /** Counts one more allocation for the user when both quotas allow it; counts nothing otherwise. */
    public Verdict acquire(String username) {
        Objects.requireNonNull(username, "username");
        if (!countInTotal()) {
            return Verdict.TOTAL_QUOTA_EXCEEDED;
        }
        if (!countForUser(username)) {
            total.decrementAndGet();
            return Verdict.USER_QUOTA_EXCEEDED;
        }
        return Verdict.GRANTED;
    }

    /** Uncounts one allocation of the user, granted earlier; does nothing when the user holds none. */
    public void release(String username) {
        boolean[] held = {false};
        byUser.computeIfPresent(Objects.requireNonNull(username, "username"), (user, count) -> {
            held[0] = true;
            return count == 1 ? null : count - 1;
        });
        if (held[0]) {
            total.decrementAndGet();
        }
    }

    /** Allocations per user; 0 for no limit. */
    public int userQuota() {
        return userQuota;
    }

    /** Allocations in all; 0 for no limit. */
    public int totalQuota() {
        return totalQuota;
    }

    /** How many allocations are counted in all. */
    public int total() {
        return total.get();
    }

    /** Every user holding allocations now, with how many: a read-only view that changes as they do. */
    public Map<String, Integer> byUser() {
        return Collections.unmodifiableMap(byUser);
    }

    /** How many allocations the user holds. */
    public int ofUser(String username) {
        return byUser.getOrDefault(username, 0);
    }

    private boolean countInTotal() {
        int limit = totalQuota;
        if (limit == UNLIMITED) {
            total.incrementAndGet();
            return true;
        }
        for (;;) {
            int counted = total.get();
            if (counted >= limit) {
                return false;
            }
            if (total.compareAndSet(counted, counted + 1)) {
                return true;
            }
        }
    }

    private boolean countForUser(String username) {
        int limit = userQuota;
        boolean[] counted = {false};
        byUser.compute(username, (user, count) -> {
            int held = count == null ? 0 : count;
            if (limit != UNLIMITED && held >= limit) {
                return count;
            }
            counted[0] = true;
            return held + 1;
        });
        return counted[0];
    }
}
