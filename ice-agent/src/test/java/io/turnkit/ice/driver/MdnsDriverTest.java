package io.turnkit.ice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two driven agents with mDNS candidates on loopback: their mDNS sockets join 224.0.0.251 on {@code lo} and send
 * on it (IP_MULTICAST_IF), so no query or answer leaves the machine.
 */
class MdnsDriverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final CandidateSources MDNS_ON_LOOPBACK =
        CandidateSources.HOST.withHostAddresses(InetAddress.getLoopbackAddress()).withMdns(true);

    @Test
    void shouldConnectTwoAgentsWhoseHostAddressesAreHiddenBehindNames() throws Exception {
        try (IceDriver driver = IceDriver.create(1);
             IceSession a = IceSession.open(driver, IceConfig.builder().role(IceRole.CONTROLLING).build(),
                 MDNS_ON_LOOPBACK, System.err::println);
             IceSession b = IceSession.open(driver, IceConfig.builder().role(IceRole.CONTROLLED).build(),
                 MDNS_ON_LOOPBACK, System.err::println)) {
            List<String> fromA = a.localDescription(WAIT);
            List<String> fromB = b.localDescription(WAIT);
            for (List<String> lines : List.of(fromA, fromB)) {
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("a=candidate:") && l.contains(".local ")),
                    lines::toString);
                assertFalse(lines.stream().anyMatch(l -> l.contains("127.0.0.1")), lines::toString);
            }
            a.addRemoteDescription(fromB);
            b.addRemoteDescription(fromA);
            IceEvent.SelectedPairChanged selected = a.awaitSelected(WAIT);
            b.awaitSelected(WAIT);
            assertEquals(CandidateType.HOST, selected.remote().type());
            assertEquals(InetAddress.getLoopbackAddress(), selected.remote().address().getAddress(),
                "b's name resolved to its address");
        }
    }
}
