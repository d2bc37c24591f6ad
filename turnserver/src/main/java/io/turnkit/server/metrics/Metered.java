package io.turnkit.server.metrics;

/**
 * A counter's name as metrics show it: a Micrometer meter name and tags, so several counters of one enum may be
 * one meter told apart by a tag ({@code turnkit.relayed.packets} with {@code direction} and {@code path}).
 * Enums whose constants are counted by {@link Counters} implement it to be bound by {@link TurnkitMetrics}.
 */
public interface Metered {
    /** The Micrometer meter name, dot-separated: {@code turnkit.relayed.packets}. */
    String meterName();

    /** The tags as key, value pairs: {@code "direction", "to_peer", "path", "send"}; empty for none. */
    String[] tags();

    /** One line saying what is counted, for the exposition's HELP line. */
    String description();
}
