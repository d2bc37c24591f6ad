package io.turnkit.ice.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.sim.DropReason;
import io.turnkit.ice.sim.Host;
import io.turnkit.ice.sim.NatConfiguration;
import io.turnkit.ice.sim.NatRouter;
import io.turnkit.ice.sim.Router;
import io.turnkit.ice.stun.NatBehavior.Type;
import io.turnkit.ice.stun.TransportProtocol;

/**
 * The NAT matrix: two agents, the controlling "a" and the controlled "b", each behind one kind of NAT of RFC 4787
 * (or none, or a UDP-blocking firewall), on the simulator; each has a STUN server on the simulated internet and
 * a TURN allocation on turnkit's own server, in-process on loopback, behind a {@link TurnGateway}: over UDP, or
 * over TCP behind the firewall, which lets TCP connections out. Each case asserts that the agents connect, which
 * candidate types each selects, and how long it took in simulated time.
 *
 * <p>The relay path is relay to relay: the simulated public addresses are in RFC 5737's documentation ranges,
 * which the server's peer policy refuses, and loopback peers are allowed, so the only peers the real server
 * relays to are the other agent's relayed address, on loopback. A pair of a relayed candidate with a host or
 * server-reflexive one therefore never succeeds here (it would on a real network), and where no direct path
 * exists both sides select relay/relay. Nothing leaves the machine.
 *
 * <p>An agent behind the UDP-blocking firewall has one candidate that works: its relayed one, allocated over TCP
 * (RFC 8656 §3.1), whose relayed address is public UDP on the server's side. So it selects relay/relay too (relay
 * to host or server-reflexive on a real network).
 *
 * <p>The expected results are RFC 4787's theory, worked out in {@link #expected}: a check gets in through a
 * mapping only if the filtering admits its source, and a mapping that depends on the destination gives a new
 * public address towards the other agent, which that agent learns as peer-reflexive.
 */
class NatMatrixTest {
    /** Between one agent's candidate (or credentials) and the other's learning of it. */
    private static final Duration SIGNALLING_DELAY = Duration.ofMillis(50);
    /**
     * Simulated time a direct connection may take: the checks themselves take a few Ta and round trips, nomination
     * waits up to 500 ms, and simulated time runs at real speed while the real TURN server is answering (the
     * allocations during gathering), which a loaded machine slows. Far above what the theory needs, far below
     * the time an unanswered check is given up (39.5 s).
     */
    private static final Duration DIRECT_BOUND = Duration.ofSeconds(10);
    /** A relayed connection waits on the real server for every check as well. */
    private static final Duration RELAYED_BOUND = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static LocalTurnServer server;

    @BeforeAll
    static void startServer() {
        server = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(true)));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /**
     * Where an agent sits: on the internet (no NAT), behind a NAT of one mapping and one filtering behavior of RFC
     * 4787 (§4.1, §5; port-preserving), or behind a firewall that blocks UDP.
     */
    enum Placement {
        NO_NAT("no NAT", null),
        EIM_EIF("full cone", Type.ENDPOINT_INDEPENDENT, Type.ENDPOINT_INDEPENDENT),
        EIM_ADF("restricted cone", Type.ENDPOINT_INDEPENDENT, Type.ADDRESS_DEPENDENT),
        EIM_APDF("port-restricted cone", Type.ENDPOINT_INDEPENDENT, Type.ADDRESS_AND_PORT_DEPENDENT),
        ADM_EIF("", Type.ADDRESS_DEPENDENT, Type.ENDPOINT_INDEPENDENT),
        ADM_ADF("", Type.ADDRESS_DEPENDENT, Type.ADDRESS_DEPENDENT),
        ADM_APDF("", Type.ADDRESS_DEPENDENT, Type.ADDRESS_AND_PORT_DEPENDENT),
        APDM_EIF("", Type.ADDRESS_AND_PORT_DEPENDENT, Type.ENDPOINT_INDEPENDENT),
        APDM_ADF("", Type.ADDRESS_AND_PORT_DEPENDENT, Type.ADDRESS_DEPENDENT),
        APDM_APDF("symmetric", Type.ADDRESS_AND_PORT_DEPENDENT, Type.ADDRESS_AND_PORT_DEPENDENT),
        UDP_BLOCKING_FIREWALL("UDP-blocking firewall", NatConfiguration.udpBlockingFirewall());

        final String label;
        final NatConfiguration nat;

        Placement(String label, NatConfiguration nat) {
            this.label = label;
            this.nat = nat;
        }

        Placement(String label, Type mapping, Type filtering) {
            this(label, NatConfiguration.of(mapping, filtering));
        }

        boolean natted() {
            return nat != null;
        }

        /** How this side reaches the TURN server: over TCP where UDP cannot leave (RFC 8656 §3.1), else UDP. */
        TransportProtocol turnTransport() {
            return natted() && nat.udpBlocked() ? TransportProtocol.TCP : TransportProtocol.UDP;
        }

        /** Whether this side sends to every destination from one address: no NAT, or endpoint-independent. */
        boolean oneAddress() {
            return !natted() || nat.mapping() == Type.ENDPOINT_INDEPENDENT;
        }

        /**
         * The type of this side's address towards the other, as both see it: its host address (no NAT), its
         * server-reflexive one (endpoint-independent mapping), or a new one, peer-reflexive (any other mapping).
         */
        CandidateType reflexive() {
            if (!natted()) {
                return CandidateType.HOST;
            }
            return oneAddress() ? CandidateType.SERVER_REFLEXIVE : CandidateType.PEER_REFLEXIVE;
        }

        @Override
        public String toString() {
            String words = natted() && !nat.udpBlocked() ? name().replace('_', '/') : label;
            return label.isEmpty() || words.equals(label) ? words : words + " (" + label + ")";
        }
    }

    /** What a side selects: its local and the remote candidate's type. */
    record Selection(CandidateType local, CandidateType remote) {
        static final Selection RELAYED = new Selection(CandidateType.RELAYED, CandidateType.RELAYED);

        @Override
        public String toString() {
            return local.sdpName() + "/" + remote.sdpName();
        }
    }

    record Expected(Selection a, Selection b) {
        static final Expected RELAYED = new Expected(Selection.RELAYED, Selection.RELAYED);

        @Override
        public String toString() {
            return "a " + a + ", b " + b;
        }
    }

    /** What RFC 4787's theory says of the checks one agent starts towards the other. */
    enum Outcome {
        /** A check gets through and, at once or after triggered checks back and forth, is answered. */
        DIRECT,
        /** No check is ever answered from where it went. */
        NONE,
        /**
         * Every check gets in and every answer comes from a new mapping, each a new peer-reflexive candidate and a
         * new triggered check, until the agents stop learning peer-reflexive candidates
         * ({@code IceConfig.maxPeerReflexiveCandidates}); no check succeeds, and the relay carries.
         */
        ENDLESS
    }

    /**
     * RFC 4787's theory for two agents behind different NATs. A firewall blocking UDP leaves no direct path, and
     * the relay the agent behind it reached over TCP carries. Otherwise there is a direct path if the checks from
     * either side succeed ({@link #checks}), and where there is none the relay carries. Either way each side sees
     * the other's address as host (no NAT), server-reflexive (endpoint-independent mapping) or peer-reflexive (a
     * new mapping for the other side).
     */
    static Expected expected(Placement a, Placement b) {
        if (a == Placement.UDP_BLOCKING_FIREWALL || b == Placement.UDP_BLOCKING_FIREWALL) {
            return Expected.RELAYED;
        }
        if (checks(a, b) != Outcome.DIRECT && checks(b, a) != Outcome.DIRECT) {
            return Expected.RELAYED;
        }
        return new Expected(new Selection(a.reflexive(), b.reflexive()), new Selection(b.reflexive(), a.reflexive()));
    }

    /**
     * The checks {@code from} starts towards the public address {@code to} signalled. The first must get in
     * ({@link #admits}). The answer must come from the address the check went to (RFC 8445 §7.2.5.2.1): the
     * signalled address is the STUN server's mapping, so only a side with one address for every destination
     * answers from it. Any other answer is discarded, but the answering side has learnt the check's source as
     * peer-reflexive and checks it from its new mapping (a triggered check, RFC 8445 §7.3.1.4). That check comes
     * from the right IP, so it gets into the mapping it is sent to unless that filters by port too; and it is
     * answered from that mapping unless the side maps by port too, for the new mapping's port is another. If not,
     * the roles swap again; two sides that both map by port and neither filters by port would never stop
     * ({@link Outcome#ENDLESS}).
     */
    static Outcome checks(Placement from, Placement to) {
        if (!admits(to, from)) {
            return Outcome.NONE;
        }
        if (to.oneAddress()) {
            return Outcome.DIRECT;
        }
        Placement answering = from;
        Placement checking = to;
        for (int turn = 0; turn < 2; turn++) {
            if (answering.natted() && answering.nat.filtering() == Type.ADDRESS_AND_PORT_DEPENDENT) {
                return Outcome.NONE;
            }
            if (!answering.natted() || answering.nat.mapping() != Type.ADDRESS_AND_PORT_DEPENDENT) {
                return Outcome.DIRECT;
            }
            Placement next = checking;
            checking = answering;
            answering = next;
        }
        return Outcome.ENDLESS;
    }

    /**
     * Whether a check from {@code from} gets into {@code to}'s public address, the one {@code to} signalled. With
     * no NAT, or endpoint-independent filtering, anything gets in. An endpoint-independent mapping is the one
     * {@code to} sends all its checks through, to {@code from}'s address among others: address-dependent
     * filtering admits {@code from}'s address; address-and-port-dependent filtering only the very address it
     * sent to, {@code from}'s signalled one, which the check comes from only if {@code from} uses one address.
     * Any other mapping of {@code to}'s was made for the STUN server, and only endpoint-independent filtering
     * admits another source.
     */
    private static boolean admits(Placement to, Placement from) {
        if (!to.natted() || to.nat.filtering() == Type.ENDPOINT_INDEPENDENT) {
            return true;
        }
        if (to.nat.mapping() != Type.ENDPOINT_INDEPENDENT) {
            return false;
        }
        return to.nat.filtering() == Type.ADDRESS_DEPENDENT || from.oneAddress();
    }

    /** Every pair of placements. */
    static Stream<Arguments> pairsOfPlacements() {
        List<Arguments> cases = new ArrayList<>();
        Placement[] all = Placement.values();
        for (int i = 0; i < all.length; i++) {
            for (int j = i; j < all.length; j++) {
                cases.add(Arguments.of(all[i], all[j], expected(all[i], all[j])));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "a behind {0}, b behind {1}: {2}")
    @MethodSource("pairsOfPlacements")
    void shouldConnectAsTheTheoryOfTheirNatsSays(Placement a, Placement b, Expected expected) throws IOException {
        try (IceSimulation sim = new IceSimulation(server.udp(), server.tcp(), SIGNALLING_DELAY)) {
            Host hostA = place(sim.network.internet(), "a", a, 1);
            Host hostB = place(sim.network.internet(), "b", b, 2);
            run(sim, agent(sim, "a", hostA, IceRole.CONTROLLING, a.turnTransport()),
                    agent(sim, "b", hostB, IceRole.CONTROLLED, b.turnTransport()), expected);
            if (a.turnTransport() == TransportProtocol.TCP || b.turnTransport() == TransportProtocol.TCP) {
                assertTrue(sim.network.drops(DropReason.UDP_BLOCKED) > 0, "the firewall blocked UDP");
            }
        }
    }

    /** The shared NAT's kinds where hairpinning decides: endpoint-independent mapping, and symmetric. */
    static Stream<Arguments> sharedNats() {
        List<Arguments> cases = new ArrayList<>();
        for (Placement shared : List.of(Placement.EIM_EIF, Placement.EIM_APDF, Placement.APDM_APDF)) {
            for (boolean hairpinning : List.of(true, false)) {
                Expected expected = hairpinning && shared.oneAddress()
                        ? new Expected(new Selection(CandidateType.SERVER_REFLEXIVE, CandidateType.SERVER_REFLEXIVE),
                                new Selection(CandidateType.SERVER_REFLEXIVE, CandidateType.SERVER_REFLEXIVE))
                        : Expected.RELAYED;
                cases.add(Arguments.of(shared, hairpinning, expected));
            }
        }
        return cases.stream();
    }

    /**
     * Both agents behind one NAT, each host behind a 1:1 NAT of its own on that NAT's LAN (as a container or a VM
     * is), so their host candidates cannot reach each other: only the shared NAT's hairpinning (RFC 4787 §6)
     * joins their server-reflexive addresses, and a symmetric NAT's new mapping for the hairpinned check meets
     * the other side's address-and-port-dependent filter.
     */
    @ParameterizedTest(name = "both behind one {0}, hairpinning {1}: {2}")
    @MethodSource("sharedNats")
    void shouldConnectBehindOneNatAsItsHairpinningAllows(Placement shared, boolean hairpinning, Expected expected)
            throws IOException {
        try (IceSimulation sim = new IceSimulation(server.udp(), server.tcp(), SIGNALLING_DELAY)) {
            NatRouter nat = sim.network.internet().addNat("shared", "203.0.113.1",
                    shared.nat.withHairpinning(hairpinning));
            Host hostA = nat.addNat("a-box", "192.168.1.2", NatConfiguration.oneToOneNat()).addHost("a", "10.0.1.2");
            Host hostB = nat.addNat("b-box", "192.168.1.3", NatConfiguration.oneToOneNat()).addHost("b", "10.0.2.2");
            run(sim, agent(sim, "a", hostA, IceRole.CONTROLLING, TransportProtocol.UDP),
                    agent(sim, "b", hostB, IceRole.CONTROLLED, TransportProtocol.UDP), expected);
        }
    }

    /** A host on the internet (no NAT), or behind a NAT of the placement's kind, with addresses by {@code n}. */
    private static Host place(Router internet, String name, Placement placement, int n) {
        if (placement == Placement.NO_NAT) {
            return internet.addHost(name, "198.51.100." + (10 + n));
        }
        return internet.addNat(name + "-nat", "203.0.113." + n, placement.nat).addHost(name, "10.0." + n + ".2");
    }

    /** An agent of the test's user, with its TURN allocation made over {@code turnTransport}. */
    private static SimulatedAgent agent(IceSimulation sim, String name, Host host, IceRole role,
            TransportProtocol turnTransport) {
        return sim.agent(name, host, role, turnTransport, LocalTurnServer.USER, LocalTurnServer.PASSWORD);
    }

    private static void run(IceSimulation sim, SimulatedAgent a, SimulatedAgent b, Expected expected) {
        long start = sim.clock.now();
        sim.start(a, b);
        Duration bound = expected.a().local() == CandidateType.RELAYED ? RELAYED_BOUND : DIRECT_BOUND;
        assertTrue(sim.runUntil(() -> a.connectedAt() >= 0 && b.connectedAt() >= 0, bound),
                "both connected within " + bound + " of simulated time; " + a + "; " + b);
        assertSelected(expected.a(), a);
        assertSelected(expected.b(), b);
        long took = Math.max(a.connectedAt(), b.connectedAt()) - start;
        assertTrue(took >= SIGNALLING_DELAY.toNanos(), "no check can succeed before the credentials arrive");
        assertTrue(took <= bound.toNanos(), "connected in " + took / 1_000_000 + " ms of simulated time");
    }

    private static void assertSelected(Selection expected, SimulatedAgent agent) {
        IceEvent.SelectedPairChanged selected = agent.selected();
        assertNotNull(selected, agent.name + " selected a pair");
        assertEquals(expected, new Selection(selected.local().type(), selected.remote().type()),
                agent.name + " selected " + selected.local() + " -> " + selected.remote());
    }
}
