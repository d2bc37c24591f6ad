package io.turnkit.ice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;

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
            // b learns a's description only once a has resolved b's name and paired it: were b's checks to come
            // first, a would know b's address as a peer-reflexive candidate before the name resolved.
            a.addRemoteDescription(fromB);
            awaitPaired(a, WAIT);
            b.addRemoteDescription(fromA);
            IceEvent.SelectedPairChanged selected = a.awaitSelected(WAIT);
            b.awaitSelected(WAIT);
            assertEquals(CandidateType.HOST, selected.remote().type());
            assertEquals(InetAddress.getLoopbackAddress(), selected.remote().address().getAddress(),
                "b's name resolved to its address");
        }
    }

    /** Waits until {@code session}'s check list holds a pair: a remote candidate was resolved and paired. */
    private static void awaitPaired(IceSession session, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (checkList(session).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no remote candidate paired within " + timeout);
            Thread.onSpinWait();
        }
    }

    private static List<String> checkList(IceSession session) throws Exception {
        CompletableFuture<List<String>> lines = new CompletableFuture<>();
        session.agent().execute(agent -> lines.complete(agent.describeCheckList()));
        return lines.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
