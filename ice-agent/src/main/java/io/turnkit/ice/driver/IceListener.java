package io.turnkit.ice.driver;

import io.turnkit.ice.agent.IceEvent;

/**
 * What a {@link DrivenAgent} tells its application. Called on the agent's event loop: keep it short, and hand
 * anything slow to another thread.
 */
public interface IceListener {
    /** An event of the agent: a local candidate to signal, a state change, the selected pair, data. */
    void onEvent(IceEvent event);

    /** Something went wrong that does not stop the agent: a TURN server that refused or did not answer. */
    default void onWarning(String message) {
    }
}
