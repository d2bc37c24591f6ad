package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.ShortTermKey;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;

/** RFC 8445 §7.2.5.3.1 and §7.3.1.3: candidates learnt from checks, behind an address translation. */
class PeerReflexiveTest {
    /** "a" sits behind a NAT that shows 10.0.0.1:5000 as 203.0.113.1:6000 and signals nothing but credentials. */
    private static BackToBack translated() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).build());
        net.add("b", config(IceRole.CONTROLLED, 2).build());
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.socket("b", 1, "198.51.100.2", 7000, 1);
        net.translate("10.0.0.1:5000", "203.0.113.1:6000");
        net.signalling.put("a", false);
        net.agent("a").endOfLocalSockets();
        net.agent("b").endOfLocalSockets();
        net.exchangeCredentials();
        return net;
    }

    @Test
    void shouldLearnAPeerReflexiveRemoteCandidateFromACheck() {
        BackToBack net = translated();

        net.runUntil(() -> net.selected("b", 1) != null, LIMIT);

        Candidate remote = net.selected("b", 1).remote();
        assertEquals(CandidateType.PEER_REFLEXIVE, remote.type());
        assertEquals(BackToBack.parse("203.0.113.1:6000"), remote.address());
    }

    @Test
    void shouldLearnAPeerReflexiveLocalCandidateFromAResponse() {
        BackToBack net = translated();

        net.runUntil(() -> net.selected("a", 1) != null, LIMIT);

        Candidate local = net.selected("a", 1).local();
        assertEquals(CandidateType.PEER_REFLEXIVE, local.type());
        assertEquals(BackToBack.parse("203.0.113.1:6000"), local.address());
        assertEquals(BackToBack.parse("10.0.0.1:5000"), local.relatedAddress());
        assertTrue(net.events("a", IceEvent.LocalCandidate.class).stream()
            .noneMatch(c -> c.candidate().type() == CandidateType.PEER_REFLEXIVE),
            "prflx candidates are not signalled");
    }

    @Test
    void shouldTakeTheSignalledTypeWhenAPeerReflexiveCandidateIsSignalledLater() {
        BackToBack net = translated();
        net.runUntil(() -> net.selected("b", 1) != null, LIMIT);

        boolean updated = net.agent("b").addRemoteCandidate(Candidate.udp("9", 1,
            Candidate.priority(CandidateType.SERVER_REFLEXIVE, 65535, 1), BackToBack.parse("203.0.113.1:6000"),
            CandidateType.SERVER_REFLEXIVE, BackToBack.parse("10.0.0.1:5000")), net.now);
        net.agent("b").endOfRemoteCandidates(net.now);
        net.run(Duration.ofSeconds(1));

        assertTrue(updated);
        assertTrue(bothIn(net, IceConnectionState.CONNECTED) || bothIn(net, IceConnectionState.COMPLETED));
    }

    @Test
    void shouldLearnNoMorePeerReflexiveCandidatesThanTheLimitButAnswerEveryCheck() {
        BackToBack net = new BackToBack();
        IceAgent b = net.add("b", config(IceRole.CONTROLLED, 2).maxPeerReflexiveCandidates(3).build());
        net.socket("b", 1, "198.51.100.2", 7000, 1);
        IceCredentials credentials = b.localCredentials();

        int answered = 0;
        for (int port = 6000; port < 6005; port++) {
            ByteBuf check = Unpooled.buffer();
            new StunMessageEncoder().wrap(check)
                .header(StunMessageType.of(StunMethod.BINDING, StunClass.REQUEST), new byte[12])
                .addString(StunAttributeType.USERNAME, credentials.ufrag() + ":peer")
                .addUint32(StunAttributeType.PRIORITY, Candidate.priority(CandidateType.PEER_REFLEXIVE, 65535, 1))
                .addUint64(StunAttributeType.ICE_CONTROLLING, 1)
                .addMessageIntegrity(ShortTermKey.of(credentials.password())).addFingerprint().finish();
            b.handleDatagram(1, new InetSocketAddress("203.0.113.1", port), check, net.now);
            for (Transmit t = b.pollTransmit(); t != null; t = b.pollTransmit()) {
                answered++;
                t.content().release();
            }
        }

        assertEquals(5, answered, "every authentic check is answered (RFC 8445 §7.3.1.2)");
        assertEquals(3, b.describeCheckList().size(), String.join("\n", b.describeCheckList()));
        assertEquals(2, b.dropped(DropReason.PEER_REFLEXIVE_LIMIT));
    }
}
