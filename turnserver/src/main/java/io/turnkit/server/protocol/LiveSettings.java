package io.turnkit.server.protocol;

import java.util.Objects;

/**
 * The settings request handling runs with now. A reload publishes a new immutable {@link TurnSettings}; each
 * request reads the current one once, so it runs with one consistent set, and no event loop ever waits.
 */
public final class LiveSettings {
    private volatile TurnSettings current;

    public LiveSettings(TurnSettings initial) {
        current = Objects.requireNonNull(initial, "initial");
    }

    public TurnSettings get() {
        return current;
    }

    /** From the next request on, every event loop runs with {@code settings}. */
    public void publish(TurnSettings settings) {
        current = Objects.requireNonNull(settings, "settings");
    }
}
