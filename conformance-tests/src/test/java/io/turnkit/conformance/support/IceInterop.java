package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.turnkit.conformance.support.IceHarness.SelectedPair;

/**
 * Two agents of the interop line protocol connected through the test: each one's description given to the other,
 * both selected pairs awaited and compared, datagrams sent both ways, both ended with EOF.
 */
public final class IceInterop {
    private static final int DATAGRAMS = 3;

    private IceInterop() {
    }

    /** The pairs each side selected. */
    public record Connected(SelectedPair controlling, SelectedPair controlled) {
    }

    /**
     * Signals each side's description to the other, waits for both selected pairs, checks that they are the same
     * pair seen from each end, sends datagrams both ways and sees each arrive, then ends both with EOF.
     */
    public static Connected connect(IceHarness controlling, IceHarness controlled) {
        return connect(controlling, controlled, UnaryOperator.identity());
    }

    /** As {@link #connect(IceHarness, IceHarness)}, each description passed through {@code signalling} first. */
    public static Connected connect(IceHarness controlling, IceHarness controlled,
            UnaryOperator<List<String>> signalling) {
        List<String> controllingDescription = signalling.apply(controlling.localDescription());
        List<String> controlledDescription = signalling.apply(controlled.localDescription());
        controlling.addRemoteDescription(controlledDescription);
        controlled.addRemoteDescription(controllingDescription);

        SelectedPair controllingPair = controlling.awaitSelected();
        SelectedPair controlledPair = controlled.awaitSelected();
        String context = controlling.describe() + controlled.describe();
        assertAll(context,
                () -> assertEquals(controllingPair.local().peerView(),
                        controlledPair.remote().peerView(), "the controlled side's remote"),
                () -> assertEquals(controlledPair.local().peerView(),
                        controllingPair.remote().peerView(), "the controlling side's remote"));

        for (int i = 1; i <= DATAGRAMS; i++) {
            controlling.send("to the controlled agent " + i);
            controlled.send("to the controlling agent " + i);
        }
        for (int i = 1; i <= DATAGRAMS; i++) {
            controlled.awaitData("to the controlled agent " + i);
            controlling.awaitData("to the controlling agent " + i);
        }
        controlling.finish();
        controlled.finish();
        return new Connected(controllingPair, controlledPair);
    }

    /** Host candidates on 127.0.0.1 on both sides: the selected pair is host to host, and data crosses. */
    public static void connectDirectly(Function<List<String>, IceHarness> controllingAgent,
            Function<List<String>, IceHarness> controlledAgent) {
        IceHarness controlling = null;
        IceHarness controlled = null;
        try {
            controlling = controllingAgent.apply(List.of("--controlling"));
            controlled = controlledAgent.apply(List.of("--controlled"));
            assertHostToHost(connect(controlling, controlled), controlling.describe() + controlled.describe());
        } finally {
            Cleanup.closeAll(controlling, controlled);
        }
    }

    /**
     * ICE-TCP host candidates on both sides, and only those on at least one (RFC 6544): the selected pair is TCP
     * host to host, and data crosses it in RFC 4571 frames.
     */
    public static void connectOverTcp(Function<List<String>, IceHarness> controllingAgent,
            Function<List<String>, IceHarness> controlledAgent) {
        connectOverTcp(controllingAgent, controlledAgent, List.of(), UnaryOperator.identity());
    }

    /**
     * As {@link #connectOverTcp(Function, Function)}, with {@code options} added on both sides and each description
     * passed through {@code signalling} on its way to the other.
     */
    public static void connectOverTcp(Function<List<String>, IceHarness> controllingAgent,
            Function<List<String>, IceHarness> controlledAgent, List<String> options,
            UnaryOperator<List<String>> signalling) {
        IceHarness controlling = null;
        IceHarness controlled = null;
        try {
            controlling = controllingAgent.apply(withOptions(List.of("--controlling", "--tcp"), options));
            controlled = controlledAgent.apply(withOptions(List.of("--controlled", "--tcp"), options));
            Connected pairs = connect(controlling, controlled, signalling);
            String context = controlling.describe() + controlled.describe();
            assertHostToHost(pairs, context);
            assertAll(context,
                    () -> assertEquals("tcp", pairs.controlling().local().transport(), "controlling transport"),
                    () -> assertEquals("tcp", pairs.controlled().local().transport(), "controlled transport"));
        } finally {
            Cleanup.closeAll(controlling, controlled);
        }
    }

    private static List<String> withOptions(List<String> first, List<String> more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(more);
        return all;
    }

    private static void assertHostToHost(Connected pairs, String context) {
        assertAll(context,
                () -> assertEquals("host", pairs.controlling().local().type(), "controlling local type"),
                () -> assertEquals("host", pairs.controlled().local().type(), "controlled local type"),
                () -> assertEquals(LoopbackPorts.LOOPBACK_IP, pairs.controlling().local().address()),
                () -> assertEquals(LoopbackPorts.LOOPBACK_IP, pairs.controlled().local().address()));
    }

    /**
     * The relay-only side's selected local candidate is its relayed one, and the other side, which offered its host
     * candidate, selected that relayed address as its remote.
     */
    public static void assertRelayed(SelectedPair relayOnly, SelectedPair other, String context) {
        assertAll(context,
                () -> assertEquals("relay", relayOnly.local().type(), "the relay-only side's local type"),
                () -> assertEquals("host", other.local().type(), "the other side's local type"),
                () -> assertEquals("relay", other.remote().type(), "the other side's remote type"));
    }
}
