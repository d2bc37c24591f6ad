package io.turnkit.ice.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.ice.agent.Candidate;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.stun.TransportProtocol;

/** RFC 8839 §5.1 candidate lines in the forms Chrome, Firefox, libnice and pion write them. */
class CandidateSdpTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // Chrome: lower-case transport, generation/ufrag/network-id/network-cost extensions, mDNS host names.
        "candidate:3098175849 1 udp 2122260223 192.168.1.10 56143 typ host generation 0 ufrag sXJ3 network-id 1 network-cost 10",
        "candidate:842163049 1 udp 1677729535 203.0.113.7 49203 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sXJ3 network-cost 999",
        "candidate:1936151187 1 udp 41885439 198.51.100.9 60581 typ relay raddr 203.0.113.7 rport 49203 generation 0 ufrag sXJ3 network-id 1",
        "candidate:4233069003 1 tcp 1518280447 192.168.1.10 9 typ host tcptype active generation 0 ufrag sXJ3 network-id 1 network-cost 10",
        "candidate:1840965416 1 udp 2122260223 4b1ba6c2-5a67-4bd6-a3a3-4ea1b2d3c4e5.local 54321 typ host generation 0 ufrag sXJ3 network-cost 999",
        "candidate:2999745851 1 udp 2122129151 2001:db8::1c2:3eff:fe4d:5e6f 56144 typ host generation 0 ufrag sXJ3 network-id 2",
        // pion
        "candidate:1966762133 1 udp 2130706431 192.168.1.10 51820 typ host",
        "candidate:233762139 1 udp 1694498815 203.0.113.7 51820 typ srflx raddr 0.0.0.0 rport 51820",
        "candidate:1443855434 1 udp 16777215 198.51.100.9 54212 typ relay raddr 203.0.113.7 rport 51820",
        "candidate:3154393208 1 tcp 1671430143 192.168.1.10 9 typ host tcptype active",
    })
    void shouldReadAndWriteLowerCaseLinesUnchanged(String line) {
        Candidate c = CandidateSdp.parse(line);

        assertEquals(line, CandidateSdp.format(c));
        assertEquals("a=" + line, CandidateSdp.formatLine(CandidateSdp.parse("a=" + line)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // Firefox: upper-case transport, numeric foundations.
        "a=candidate:0 1 UDP 2122252543 192.168.1.10 60769 typ host",
        "a=candidate:1 1 TCP 2105524479 192.168.1.10 9 typ host tcptype active",
        "a=candidate:2 1 UDP 1686052863 203.0.113.7 60769 typ srflx raddr 192.168.1.10 rport 60769",
        "a=candidate:3 2 UDP 92217342 198.51.100.9 52346 typ relay raddr 198.51.100.9 rport 52346",
        // libnice
        "a=candidate:1 1 UDP 2013266431 fe80::a00:27ff:fe4e:66a1 36913 typ host",
        "a=candidate:3 1 UDP 1677721855 203.0.113.7 36913 typ srflx raddr 10.0.2.15 rport 36913",
        "a=candidate:5 1 TCP 1010827775 10.0.2.15 43421 typ host tcptype passive",
    })
    void shouldReadUpperCaseTransportsAndWriteThemInLowerCase(String line) {
        Candidate c = CandidateSdp.parse(line);

        assertEquals(line.replace(" UDP ", " udp ").replace(" TCP ", " tcp "), CandidateSdp.formatLine(c));
        assertEquals(c, CandidateSdp.parse(CandidateSdp.format(c)));
    }

    @org.junit.jupiter.api.Test
    void shouldReadEveryField() {
        Candidate c = CandidateSdp.parse("candidate:842163049 2 udp 1677729534 203.0.113.7 49203 typ srflx "
            + "raddr 192.168.1.10 rport 56143 generation 0 ufrag sXJ3 network-id 1");

        assertEquals("842163049", c.foundation());
        assertEquals(2, c.componentId());
        assertEquals(TransportProtocol.UDP, c.transport());
        assertEquals(1677729534L, c.priority());
        assertEquals("203.0.113.7", c.address().getAddress().getHostAddress());
        assertEquals(49203, c.address().getPort());
        assertEquals(CandidateType.SERVER_REFLEXIVE, c.type());
        assertEquals("192.168.1.10", c.relatedAddress().getAddress().getHostAddress());
        assertEquals(56143, c.relatedAddress().getPort());
        assertNull(c.tcpType());
        assertEquals(Map.of("generation", "0", "ufrag", "sXJ3", "network-id", "1"), c.extensions());
    }

    @org.junit.jupiter.api.Test
    void shouldKeepHostNamesUnresolved() {
        Candidate c = CandidateSdp.parse("candidate:1 1 udp 2122260223 abc-def.local 5000 typ host");

        assertTrue(c.address().isUnresolved());
        assertEquals("abc-def.local", c.address().getHostString());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "candidate:1 1 udp 2122260223 192.168.1.10 5000|at least 8 fields",
        "a=candidat:1 1 udp 2122260223 192.168.1.10 5000 typ host|not a candidate",
        "candidate: 1 udp 2122260223 192.168.1.10 5000 typ host x|foundation",
        "candidate:123456789012345678901234567890123 1 udp 1 192.168.1.10 5000 typ host|foundation",
        "candidate:a_b 1 udp 1 192.168.1.10 5000 typ host|foundation",
        "candidate:1 0 udp 2122260223 192.168.1.10 5000 typ host|component id 0",
        "candidate:1 257 udp 2122260223 192.168.1.10 5000 typ host|component id 257",
        "candidate:1 1 sctp 2122260223 192.168.1.10 5000 typ host|transport",
        "candidate:1 1 udp 0 192.168.1.10 5000 typ host|priority 0",
        "candidate:1 1 udp 4294967296 192.168.1.10 5000 typ host|priority 4294967296",
        "candidate:1 1 udp high 192.168.1.10 5000 typ host|priority \"high\"",
        "candidate:1 1 udp 2122260223 192.168.1.10 65536 typ host|port 65536",
        "candidate:1 1 udp 2122260223 999.168.1.10 5000 typ host|not an IP address",
        "candidate:1 1 udp 2122260223 1:2:3:4:5:6:7:8:9 5000 typ host|not an IP address",
        "candidate:1 1 udp 2122260223 192.168.1.10 5000 type host|\"typ\" expected",
        "candidate:1 1 udp 2122260223 192.168.1.10 5000 typ lan|unknown candidate type",
        "candidate:1 1 udp 2122260223 192.168.1.10 5000 typ srflx raddr 10.0.0.1|raddr",
        "candidate:1 1 udp 2122260223 192.168.1.10 5000 typ host generation|has no value",
        "candidate:1 1 udp 2122260223 192.168.1.10 5000 typ host  generation 0|empty field",
        "candidate:1 1 tcp 2122260223 192.168.1.10 9 typ host|tcptype",
        "candidate:1 1 tcp 2122260223 192.168.1.10 9 typ host tcptype both|tcptype",
    })
    void shouldRefuseMalformedLinesNamingTheProblem(String line, String problem) {
        SdpParseException e = assertThrows(SdpParseException.class, () -> CandidateSdp.parse(line));

        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains(problem.toLowerCase(Locale.ROOT)),
            e.getMessage());
        assertTrue(e.getMessage().endsWith(line), "the message quotes the line");
    }
}
