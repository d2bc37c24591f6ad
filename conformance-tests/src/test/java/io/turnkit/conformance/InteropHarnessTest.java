package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.turnkit.conformance.support.Cleanup;
import io.turnkit.conformance.support.CoturnServer;
import io.turnkit.conformance.support.IceHarness;
import io.turnkit.conformance.support.IceInterop;

/**
 * The interop harnesses against each other: libnice and aioice, two independent ICE agents (RFC 8445), connect
 * on loopback through the line protocol that {@code turnkit ice} speaks, each way round, directly and through
 * coturn's TURN relay. This proves the harnesses (their candidate lines, selection and data lines) before they
 * are pointed at turnkit's own agent.
 */
class InteropHarnessTest {
    private static final String TURN_USER = "interop";
    private static final String TURN_PASSWORD = "interop-password";
    /** Long enough for a harness to start and read its input, short enough to keep the test quick. */
    private static final Duration GIVE_UP = Duration.ofSeconds(2);

    @Test
    void shouldConnectLibniceControllingToAioiceControlled() {
        IceInterop.connectDirectly(IceHarness::libnice, IceHarness::aioice);
    }

    @Test
    void shouldConnectAioiceControllingToLibniceControlled() {
        IceInterop.connectDirectly(IceHarness::aioice, IceHarness::libnice);
    }

    @Test
    void shouldRelayLibniceControllingThroughCoturnToAioice() {
        connectThroughRelay(IceHarness::libnice, IceHarness::aioice);
    }

    @Test
    void shouldRelayAioiceControllingThroughCoturnToLibnice() {
        connectThroughRelay(IceHarness::aioice, IceHarness::libnice);
    }

    /**
     * {@code --stun}: aioice asks coturn for its server-reflexive address (RFC 8445 §5.1.1.1), which on loopback is
     * the host candidate's own address. (libnice drops such a candidate as redundant, RFC 8445 §5.1.3, so only
     * aioice shows it.)
     */
    @Test
    void shouldGatherAServerReflexiveCandidateFromAStunServer() {
        CoturnServer coturn = null;
        IceHarness aioice = null;
        try {
            coturn = CoturnServer.withUser(TURN_USER, TURN_PASSWORD);
            aioice = IceHarness.aioice(List.of("--controlling", "--stun", coturn.address()));
            List<String> description = aioice.localDescription();
            String context = aioice.describe() + coturn.describe();
            String host = description.stream().filter(line -> line.endsWith(" typ host")).findFirst()
                    .orElseThrow(() -> new AssertionError("no host candidate" + context));
            String hostAddress = String.join(" ", List.of(host.split(" ")).subList(4, 6));
            assertTrue(description.stream().anyMatch(line -> line.contains(" " + hostAddress + " typ srflx raddr ")),
                    () -> "a server-reflexive candidate at " + hostAddress + context);
        } finally {
            Cleanup.closeAll(aioice, coturn);
        }
    }

    /** A peer that never sends its description: each harness gives up after its timeout with exit 3, saying why. */
    @ParameterizedTest
    @ValueSource(strings = {"libnice", "aioice"})
    void shouldGiveUpWithExitThreeWhenNoPairIsSelected(String agent) {
        try (IceHarness harness = harness(agent, List.of("--controlling"), GIVE_UP)) {
            harness.localDescription();
            assertEquals(3, harness.awaitExit(), harness::describe);
            assertTrue(harness.output().contains("error: no candidate pair selected"), harness::describe);
        }
    }

    /** A malformed candidate line is refused: one error line naming it, exit 1, nothing half-applied. */
    @ParameterizedTest
    @ValueSource(strings = {"libnice", "aioice"})
    void shouldRefuseAMalformedCandidateLine(String agent) {
        try (IceHarness harness = harness(agent, List.of("--controlled"), GIVE_UP)) {
            harness.addRemoteDescription(List.of("a=candidate:1 1 UDP not-a-priority"));
            assertEquals(1, harness.awaitExit(), harness::describe);
            assertTrue(harness.output().contains("error: malformed candidate line"), harness::describe);
        }
    }

    /** A bad command line: one error line naming the problem, exit 2, before anything is gathered. */
    @ParameterizedTest
    @ValueSource(strings = {"libnice", "aioice"})
    void shouldRefuseRelayOnlyWithoutATurnServer(String agent) {
        try (IceHarness harness = harness(agent, List.of("--controlled", "--relay-only"), GIVE_UP)) {
            assertEquals(2, harness.awaitExit(), harness::describe);
            String[] lines = harness.output().split("\n");
            assertEquals(1, lines.length, harness::describe);
            assertTrue(lines[0].startsWith("error: --relay-only needs --turn"), harness::describe);
        }
    }

    private static IceHarness harness(String agent, List<String> options, Duration timeout) {
        return agent.equals("libnice") ? IceHarness.libnice(options, timeout) : IceHarness.aioice(options, timeout);
    }

    /**
     * The controlling agent is relay-only through coturn (RFC 8656), the controlled one offers its host
     * candidate: the controlling side's selected local candidate is its relayed one, and the controlled side
     * selected that relayed address as its remote.
     */
    private static void connectThroughRelay(Function<List<String>, IceHarness> controllingAgent,
            Function<List<String>, IceHarness> controlledAgent) {
        CoturnServer coturn = null;
        IceHarness controlling = null;
        IceHarness controlled = null;
        try {
            coturn = CoturnServer.withUser(TURN_USER, TURN_PASSWORD);
            controlling = controllingAgent.apply(List.of("--controlling", "--relay-only",
                    "--turn", coturn.address(), "-u", TURN_USER, "-p", TURN_PASSWORD));
            controlled = controlledAgent.apply(List.of("--controlled"));
            IceInterop.Connected pairs = IceInterop.connect(controlling, controlled);
            IceInterop.assertRelayed(pairs.controlling(), pairs.controlled(),
                    controlling.describe() + controlled.describe() + coturn.describe());
        } finally {
            Cleanup.closeAll(controlling, controlled, coturn);
        }
    }
}
