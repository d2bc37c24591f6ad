package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static io.turnkit.ice.agent.IceAgentTest.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

/** RFC 8445 §9: an ICE restart renews the credentials while the selected pair keeps carrying data. */
class IceRestartTest {
    @Test
    void shouldRenewCredentialsAndKeepDataFlowingUntilANewPairIsSelected() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
        IceCredentials before = net.agent("a").localCredentials();
        IceCredentials peerBefore = net.agent("b").localCredentials();
        int selectionsBefore = net.events("a", IceEvent.SelectedPairChanged.class).size();

        net.agent("a").restart(net.now);
        // Data sent in every 10 ms step of the restart, both ways, arrives (0x80 first: RTP, not STUN, RFC 7983).
        int sent = 0;
        for (int i = 0; i < 100 && net.events("a", IceEvent.SelectedPairChanged.class).size() == selectionsBefore;
             i++) {
            for (String name : List.of("a", "b")) {
                assertTrue(net.agent(name).send(1, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) i}), net.now),
                    name + " sends at " + i);
            }
            sent++;
            net.run(Duration.ofMillis(10));
        }
        net.run(Duration.ofMillis(10));

        assertNotEquals(before, net.agent("a").localCredentials());
        assertNotEquals(peerBefore, net.agent("b").localCredentials(), "the peer restarts too");
        assertEquals(selectionsBefore + 1, net.events("a", IceEvent.SelectedPairChanged.class).size(),
            "a new pair is selected");
        assertTrue(sent > 1, "the restart took some checks");
        assertEquals(sent, net.events("a", IceEvent.ApplicationData.class).size());
        assertEquals(sent, net.events("b", IceEvent.ApplicationData.class).size());
        List<IceConnectionState> states = net.states("a");
        assertTrue(states.subList(2, states.size()).stream().noneMatch(s -> s == IceConnectionState.CHECKING
            || s == IceConnectionState.DISCONNECTED || s == IceConnectionState.FAILED), "states " + states);
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
    }

    @Test
    void shouldRefuseChecksWithTheOldUfragOnceANewPairIsSelected() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
        BackToBack.Packet oldCheck = net.sentBy("b").stream().filter(BackToBack.Packet::isBindingRequest)
            .findFirst().orElseThrow();

        net.agent("a").restart(net.now);
        net.runUntil(() -> net.events("a", IceEvent.SelectedPairChanged.class).size() == 2, LIMIT);
        long before = net.agent("a").dropped(DropReason.UNAUTHENTICATED);
        net.agent("a").handleDatagram(1, oldCheck.source(), Unpooled.wrappedBuffer(oldCheck.bytes()), net.now);

        assertEquals(before + 1, net.agent("a").dropped(DropReason.UNAUTHENTICATED));
    }
}
