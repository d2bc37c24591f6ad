package io.turnkit.ice.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.turnkit.ice.agent.IceAgent;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceRole;

/** RFC 8839 §5 ICE attributes of a media description, read all or nothing. */
class IceDescriptionTest {
    private static final String SDP = String.join("\r\n",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 0.0.0.0",
        "a=ice-ufrag:sXJ3",
        "a=ice-pwd:Vd9tJ7Nq4xL2mP8rS1uW6yZ0",
        "a=ice-options:trickle ice2",
        "a=candidate:3098175849 1 udp 2122260223 192.168.1.10 56143 typ host generation 0",
        "a=candidate:842163049 1 udp 1677729535 203.0.113.7 49203 typ srflx raddr 192.168.1.10 rport 56143",
        "a=rtpmap:111 opus/48000/2",
        "a=end-of-candidates");

    @Test
    void shouldReadTheIceAttributesAndSkipTheOthers() {
        IceDescription d = IceDescription.parse(SDP);

        assertEquals("sXJ3", d.ufrag());
        assertEquals("Vd9tJ7Nq4xL2mP8rS1uW6yZ0", d.password());
        assertEquals(List.of("trickle", "ice2"), d.options());
        assertFalse(d.lite());
        assertEquals(2, d.candidates().size());
        assertTrue(d.endOfCandidates());
        assertEquals(IceDescription.parse(d.lines()), d);
    }

    @Test
    void shouldReadIceLite() {
        assertTrue(IceDescription.parse(List.of("a=ice-lite")).lite());
        assertThrows(SdpParseException.class, () -> IceDescription.parse(List.of("a=ice-lite:yes")));
    }

    @Test
    void shouldRefuseShortCredentials() {
        SdpParseException ufrag = assertThrows(SdpParseException.class,
            () -> IceDescription.parse(List.of("a=ice-ufrag:abc")));
        SdpParseException pwd = assertThrows(SdpParseException.class,
            () -> IceDescription.parse(List.of("a=ice-pwd:tooshort")));
        assertTrue(ufrag.getMessage().contains("ice-ufrag must be 4 to 256"), ufrag.getMessage());
        assertTrue(pwd.getMessage().contains("ice-pwd must be 22 to 256"), pwd.getMessage());
    }

    @Test
    void shouldApplyNothingWhenOneLineIsMalformed() {
        IceAgent agent = IceAgent.create(IceConfig.builder().role(IceRole.CONTROLLED)
            .random(new SplittableRandom(3)).build());
        String broken = SDP.replace("49203 typ srflx", "49203 typ reflexive");

        assertThrows(SdpParseException.class, () -> IceDescription.parse(broken).applyTo(agent, 0));

        assertEquals(IceConnectionState.NEW, agent.state());
        assertEquals(2, IceDescription.parse(SDP).applyTo(agent, 0));
    }
}
