package io.turnkit.ice.agent;

/** RFC 8445 §6.1.1: the controlling agent nominates the pairs; the controlled one follows. */
public enum IceRole {
    CONTROLLING,
    CONTROLLED;

    /** The other role, taken after a role conflict (RFC 8445 §7.2.5.1, §7.3.1.1). */
    public IceRole opposite() {
        return this == CONTROLLING ? CONTROLLED : CONTROLLING;
    }
}
