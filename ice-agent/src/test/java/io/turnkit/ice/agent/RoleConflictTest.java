package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunErrorCode;
import io.turnkit.stun.StunMessage;

/** RFC 8445 §7.3.1.1 and §7.2.5.1: both agents claim the same role; the larger tie-breaker keeps it. */
class RoleConflictTest {
    private static final long LARGE = 0x7000_0000_0000_0000L;
    private static final long SMALL = 0x1000_0000_0000_0000L;

    /**
     * Both agents take {@code bothRoles}; "a" holds the larger tie-breaker. Only the agent named by
     * {@code aChecksFirst} knows the other's credentials at first, so its checks arrive before the other can check.
     */
    private static BackToBack conflict(IceRole bothRoles, boolean aChecksFirst) {
        BackToBack net = new BackToBack();
        net.add("a", config(bothRoles, 1).tieBreaker(LARGE).build());
        net.add("b", config(bothRoles, 2).tieBreaker(SMALL).build());
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.socket("b", 1, "10.0.0.2", 6000, 1);
        net.agent("a").endOfLocalSockets();
        net.agent("b").endOfLocalSockets();
        String first = aChecksFirst ? "a" : "b";
        IceCredentials c = net.agent(net.other(first)).localCredentials();
        net.agent(first).setRemoteCredentials(c.ufrag(), c.password(), net.now);
        net.run(java.time.Duration.ofMillis(20));
        IceCredentials d = net.agent(first).localCredentials();
        net.agent(net.other(first)).setRemoteCredentials(d.ufrag(), d.password(), net.now);
        return net;
    }

    private static boolean sent487(BackToBack net, String name) {
        return net.sentBy(name).stream().filter(BackToBack.Packet::isStun).anyMatch(p -> {
            StunMessage m = p.stun();
            return m.isErrorResponse() && StunAttributes.errorCode(m, m.findAttribute(StunAttributeType.ERROR_CODE))
                == StunErrorCode.ROLE_CONFLICT;
        });
    }

    @Test
    void shouldAnswer487WhenBothControlAndOurTieBreakerIsLarger() {
        BackToBack net = conflict(IceRole.CONTROLLING, false);

        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        assertTrue(sent487(net, "a"));
        assertEquals(IceRole.CONTROLLING, net.agent("a").role());
        assertEquals(IceRole.CONTROLLED, net.agent("b").role());
    }

    @Test
    void shouldSwitchToControlledWhenBothControlAndThePeersTieBreakerIsLarger() {
        BackToBack net = conflict(IceRole.CONTROLLING, true);

        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        assertTrue(!sent487(net, "b"), "the smaller tie-breaker switches without a 487");
        assertEquals(IceRole.CONTROLLING, net.agent("a").role());
        assertEquals(IceRole.CONTROLLED, net.agent("b").role());
    }

    @Test
    void shouldAnswer487WhenBothAreControlledAndOurTieBreakerIsSmaller() {
        BackToBack net = conflict(IceRole.CONTROLLED, true);

        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        assertTrue(sent487(net, "b"));
        assertEquals(IceRole.CONTROLLING, net.agent("a").role());
        assertEquals(IceRole.CONTROLLED, net.agent("b").role());
    }

    @Test
    void shouldSwitchToControllingWhenBothAreControlledAndOurTieBreakerIsLarger() {
        BackToBack net = conflict(IceRole.CONTROLLED, false);

        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        assertTrue(!sent487(net, "a"));
        assertEquals(IceRole.CONTROLLING, net.agent("a").role());
        assertEquals(IceRole.CONTROLLED, net.agent("b").role());
    }
}
