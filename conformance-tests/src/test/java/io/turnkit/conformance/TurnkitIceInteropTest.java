package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.IceHarness;
import io.turnkit.conformance.support.IceInterop;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.TurnkitServer;

/**
 * {@code turnkit ice} against independent ICE agents (RFC 8445) on loopback, each a real process: libnice and
 * aioice, each way round (controlling and controlled), host to host and through turnkit's own TURN server run from
 * the jar (relay-only on turnkit's side in one test, on the other agent's in another), and turnkit against itself with
 * ICE-TCP and mDNS together. Data lines cross both ways.
 */
class TurnkitIceInteropTest {
    private static final String TURN_USER = "interop";
    private static final String TURN_PASSWORD = "interop-password";
    /** Long enough for gathering on a loaded machine, short enough to keep the test quick. */
    private static final Duration GIVE_UP = Duration.ofSeconds(5);

    @Test
    void shouldConnectTurnkitControllingToLibnice() {
        IceInterop.connectDirectly(IceHarness::turnkit, IceHarness::libnice);
    }

    @Test
    void shouldConnectLibniceControllingToTurnkit() {
        IceInterop.connectDirectly(IceHarness::libnice, IceHarness::turnkit);
    }

    @Test
    void shouldConnectTurnkitControllingToLibniceOverIceTcp() {
        IceInterop.connectOverTcp(IceHarness::turnkit, IceHarness::libnice);
    }

    @Test
    void shouldConnectLibniceControllingToTurnkitOverIceTcp() {
        IceInterop.connectOverTcp(IceHarness::libnice, IceHarness::turnkit);
    }

    /**
     * {@code --tcp} and {@code --mdns} together, turnkit on both sides: the TCP candidates are signalled under
     * {@code .local} names (draft-ietf-mmusic-mdns-ice-candidates), which each side resolves over mDNS on
     * {@code lo}, and the UDP candidates are left out of the signalling, as if UDP were blocked.
     */
    @Test
    void shouldConnectTwoTurnkitAgentsOverIceTcpBehindMdnsNames() {
        IceInterop.connectOverTcp(IceHarness::turnkit, IceHarness::turnkit, List.of("--mdns"),
                TurnkitIceInteropTest::tcpCandidatesByNameOnly);
    }

    /**
     * {@code --tcp --tcp-so} on both sides, and only the simultaneous-open candidates signalled: the pair can only be
     * S-O to S-O, each side connecting from its S-O port while accepting the other's connection there (RFC 6544).
     */
    @Test
    void shouldConnectTwoTurnkitAgentsOverSimultaneousOpenCandidatesAlone() {
        IceInterop.connectOverTcp(IceHarness::turnkit, IceHarness::turnkit, List.of("--tcp-so"),
                TurnkitIceInteropTest::simultaneousOpenCandidatesOnly);
    }

    /** The description with its simultaneous-open candidates alone; asserts that it has one. */
    private static List<String> simultaneousOpenCandidatesOnly(List<String> description) {
        List<String> kept = description.stream()
                .filter(l -> !l.startsWith("a=candidate:") || l.contains(" tcptype so")).toList();
        assertTrue(kept.stream().anyMatch(l -> l.startsWith("a=candidate:")), description::toString);
        return kept;
    }

    /** The description without its UDP candidates; asserts that no TCP candidate shows its address. */
    private static List<String> tcpCandidatesByNameOnly(List<String> description) {
        List<String> tcp = description.stream()
                .filter(l -> !l.startsWith("a=candidate:") || l.toLowerCase(Locale.ROOT).contains(" tcp ")).toList();
        List<String> candidates = tcp.stream().filter(l -> l.startsWith("a=candidate:")).toList();
        assertTrue(candidates.stream().anyMatch(l -> l.contains(".local ") && l.contains(" tcptype passive")),
                description::toString);
        assertTrue(candidates.stream().noneMatch(l -> l.contains(LoopbackPorts.LOOPBACK_IP)), description::toString);
        return tcp;
    }

    @Test
    void shouldConnectTurnkitControllingToAioice() {
        IceInterop.connectDirectly(IceHarness::turnkit, IceHarness::aioice);
    }

    @Test
    void shouldConnectAioiceControllingToTurnkit() {
        IceInterop.connectDirectly(IceHarness::aioice, IceHarness::turnkit);
    }

    @Test
    void shouldRelayTurnkitRelayOnlyControllingToLibnice() {
        connectThroughRelay(IceHarness::turnkit, IceHarness::libnice, true);
    }

    @Test
    void shouldRelayLibniceRelayOnlyControllingToTurnkit() {
        connectThroughRelay(IceHarness::libnice, IceHarness::turnkit, true);
    }

    @Test
    void shouldRelayTurnkitRelayOnlyControlledToAioice() {
        connectThroughRelay(IceHarness::aioice, IceHarness::turnkit, false);
    }

    @Test
    void shouldRelayAioiceRelayOnlyControllingToTurnkit() {
        connectThroughRelay(IceHarness::aioice, IceHarness::turnkit, true);
    }

    /** A peer that never sends its description: exit 3 after --timeout, saying why. */
    @Test
    void shouldGiveUpWithExitThreeWhenNoPairIsSelected() {
        try (IceHarness turnkit = IceHarness.turnkit(List.of("--controlling"), GIVE_UP)) {
            turnkit.localDescription();
            assertEquals(3, turnkit.awaitExit(), turnkit::describe);
            assertTrue(turnkit.output().contains("error: no candidate pair selected"), turnkit::describe);
        }
    }

    /** A malformed candidate line: one error line naming it, exit 1, without waiting for --timeout. */
    @Test
    void shouldRefuseAMalformedCandidateLine() {
        try (IceHarness turnkit = IceHarness.turnkit(List.of("--controlled"))) {
            turnkit.addRemoteDescription(List.of("a=candidate:1 1 UDP not-a-priority"));
            assertEquals(1, turnkit.awaitExit(), turnkit::describe);
            assertTrue(turnkit.output().contains("turnkit: malformed peer line: "), turnkit::describe);
        }
    }

    /** A bad command line: one error line naming the problem, exit 2, before anything is gathered. */
    @ParameterizedTest
    @CsvSource({"--relay-only, --relay-only needs --turn", "--tcp-so, --tcp-so needs --tcp"})
    void shouldRefuseAnOptionWithoutTheOneItNeeds(String option, String error) {
        try (IceHarness turnkit = IceHarness.turnkit(List.of("--controlled", option), GIVE_UP)) {
            assertEquals(2, turnkit.awaitExit(), turnkit::describe);
            String[] lines = turnkit.output().split("\n");
            assertEquals(1, lines.length, turnkit::describe);
            assertEquals("turnkit: " + error, lines[0], turnkit::describe);
        }
    }

    /**
     * One side is relay-only through turnkit's TURN server (RFC 8656), the other offers its host candidate; which
     * side is relay-only: the controlling one when {@code controllingRelayOnly}, else the controlled one.
     */
    private static void connectThroughRelay(Function<List<String>, IceHarness> controllingAgent,
            Function<List<String>, IceHarness> controlledAgent, boolean controllingRelayOnly) {
        TurnkitServer server = null;
        IceHarness controlling = null;
        IceHarness controlled = null;
        try {
            server = TurnkitServer.withLongTermCredentials(TURN_USER, TURN_PASSWORD);
            List<String> relayOnly = List.of("--relay-only", "--turn", LoopbackPorts.LOOPBACK_IP + ":" + server.port(),
                    "-u", TURN_USER, "-p", TURN_PASSWORD);
            controlling = controllingAgent.apply(options("--controlling", controllingRelayOnly ? relayOnly : null));
            controlled = controlledAgent.apply(options("--controlled", controllingRelayOnly ? null : relayOnly));
            IceInterop.Connected pairs = IceInterop.connect(controlling, controlled);
            String context = controlling.describe() + controlled.describe() + server.describe();
            if (controllingRelayOnly) {
                IceInterop.assertRelayed(pairs.controlling(), pairs.controlled(), context);
            } else {
                IceInterop.assertRelayed(pairs.controlled(), pairs.controlling(), context);
            }
        } finally {
            Cleanup.closeAll(controlling, controlled, server);
        }
    }

    private static List<String> options(String role, List<String> relayOnly) {
        if (relayOnly == null) {
            return List.of(role);
        }
        List<String> options = new ArrayList<>(List.of(role));
        options.addAll(relayOnly);
        return options;
    }
}
