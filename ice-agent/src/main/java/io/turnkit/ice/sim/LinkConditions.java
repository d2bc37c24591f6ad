package io.turnkit.ice.sim;

import java.time.Duration;
import java.util.Random;

/**
 * What a router's link does to each datagram that enters the router: a fixed delay, a random jitter on top of it
 * (uniform in {@code [0, jitter)}), a loss rate, and a reordering rate: the share of datagrams held back by a
 * further {@code reorderDelay}, so that later ones overtake them. All draws come from the network's seeded
 * {@link Random}, so a test sees the same losses and delays on every run.
 */
public record LinkConditions(Duration delay, Duration jitter, double lossRate, double reorderRate,
        Duration reorderDelay) {
    /** A perfect link: no delay, no loss, no reordering. */
    public static final LinkConditions PERFECT =
            new LinkConditions(Duration.ZERO, Duration.ZERO, 0, 0, Duration.ZERO);

    public LinkConditions {
        requireNotNegative(delay, "delay");
        requireNotNegative(jitter, "jitter");
        requireNotNegative(reorderDelay, "reorder delay");
        requireRate(lossRate, "loss rate");
        requireRate(reorderRate, "reorder rate");
    }

    public LinkConditions withDelay(Duration newDelay) {
        return new LinkConditions(newDelay, jitter, lossRate, reorderRate, reorderDelay);
    }

    public LinkConditions withJitter(Duration newJitter) {
        return new LinkConditions(delay, newJitter, lossRate, reorderRate, reorderDelay);
    }

    public LinkConditions withLossRate(double newLossRate) {
        return new LinkConditions(delay, jitter, newLossRate, reorderRate, reorderDelay);
    }

    /** {@code rate} of the datagrams arrive {@code heldBackBy} later than the others. */
    public LinkConditions withReordering(double rate, Duration heldBackBy) {
        return new LinkConditions(delay, jitter, lossRate, rate, heldBackBy);
    }

    /** Whether this datagram is lost: one draw. */
    boolean loses(Random random) {
        return lossRate > 0 && random.nextDouble() < lossRate;
    }

    /** This datagram's time on the link, in nanoseconds: draws for jitter and reordering where they are on. */
    long transitNanos(Random random) {
        long nanos = delay.toNanos();
        if (!jitter.isZero()) {
            nanos += (long) (random.nextDouble() * jitter.toNanos());
        }
        if (reorderRate > 0 && random.nextDouble() < reorderRate) {
            nanos += reorderDelay.toNanos();
        }
        return nanos;
    }

    private static void requireNotNegative(Duration duration, String what) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the " + what + " cannot be negative: " + duration);
        }
    }

    private static void requireRate(double rate, String what) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("the " + what + " must be from 0 to 1: " + rate);
        }
    }
}
