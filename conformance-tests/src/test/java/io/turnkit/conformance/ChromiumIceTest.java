package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.turnkit.conformance.support.Chromium;
import io.turnkit.conformance.support.ExternalProcess;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.LoopbackPorts.PortRange;
import io.turnkit.conformance.support.MuxAgentProcess;
import io.turnkit.conformance.support.NamespaceBridge;
import io.turnkit.conformance.support.TurnkitServer;
import io.turnkit.conformance.support.WebRtcTestPage;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.driver.CandidateSources;
import io.turnkit.ice.driver.IceDriver;
import io.turnkit.ice.driver.IceSession;
import io.turnkit.ice.driver.RelayServer;
import io.turnkit.ice.driver.UdpMux;
import io.turnkit.ice.stun.Addresses;
import io.turnkit.ice.stun.ServerUri;

/**
 * turnkit's ICE agent (in process, on the driver, host candidates on 127.0.0.1) against headless Chromium's: the
 * browser offers and turnkit answers, then the reverse. The test carries the session descriptions between the page
 * and the agent: the browser's ICE lines to the agent, and an SDP it builds around the agent's ICE lines to the
 * browser. Only ICE is tested: the browser's {@code iceConnectionState} reaches {@code connected} and both sides
 * select the same pair. A data channel would need DTLS and SCTP, which turnkit's agent does not speak, so the
 * answer makes turnkit the DTLS client (which never sends a handshake) and no data channel opens. Then the same two
 * agents through turnkit's TURN server (RFC 8656), the browser relay-only in both roles, turnkit relay-only too when
 * it offers.
 */
class ChromiumIceTest {
    private static final String PAGE = "ice-connectivity.html";
    /** The page gives up after this; the test waits longer, for Chromium's start. */
    private static final Duration PAGE_TIME_LIMIT = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A well-formed fingerprint of no certificate: the browser checks it in a DTLS handshake, which never runs. */
    /** RFC 6347 §4.1 content types: the first byte of a DTLS record (RFC 7983 §7: 20 to 63). */
    private static final byte DTLS_HANDSHAKE = 22;
    private static final byte DTLS_APPLICATION_DATA = 23;
    private static final String FINGERPRINT = "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB";
    private static final String TURN_USER = "alice";
    private static final String TURN_PASSWORD = "conformance-password";
    private static final int RELAYED_DATAGRAMS = 10;
    private static final int RELAYED_DATAGRAM_SIZE = 100;
    private static final int RELAYED_BYTES = RELAYED_DATAGRAMS * RELAYED_DATAGRAM_SIZE;

    @Test
    void shouldConnectTheBrowsersOfferToTurnkitsAnswer() throws Exception {
        try (IceSession turnkit = IceSession.open(config(IceRole.CONTROLLED), loopbackHost());
             WebRtcTestPage page = WebRtcTestPage.start(PAGE);
             Chromium chromium = Chromium.open(page.uri(query("offer")))) {
            String offer = page.awaitDescription(WAIT, chromium.process());
            turnkit.addRemoteDescription(loopbackIceLines(offer));
            page.sendDescription(sdp(turnkit.localDescription(WAIT), mid(offer), "active"));

            assertConnected(page.awaitResult(WAIT, chromium.process()), turnkit, chromium);
        }
    }

    @Test
    void shouldConnectTurnkitsOfferToTheBrowsersAnswer() throws Exception {
        try (IceSession turnkit = IceSession.open(config(IceRole.CONTROLLING), loopbackHost());
             WebRtcTestPage page = WebRtcTestPage.start(PAGE);
             Chromium chromium = Chromium.open(page.uri(query("answer")))) {
            page.sendDescription(sdp(turnkit.localDescription(WAIT), "0", "actpass"));
            turnkit.addRemoteDescription(loopbackIceLines(page.awaitDescription(WAIT, chromium.process())));

            assertConnected(page.awaitResult(WAIT, chromium.process()), turnkit, chromium);
        }
    }

    /**
     * The browser offers relayed candidates only (turnkit's TURN server in its {@code iceServers}, {@code
     * iceTransportPolicy: 'relay'}) and turnkit answers with its host candidate: the browser's checks reach turnkit
     * from the relayed address of its allocation, and data crosses the relay both ways (turnkit's datagrams to the
     * browser, the browser's ClientHello to turnkit: {@code a=setup:passive} makes the browser the DTLS client).
     */
    @Test
    void shouldConnectTheBrowsersRelayOnlyOfferToTurnkitsAnswer() throws Exception {
        try (TurnkitServer server = TurnkitServer.withLongTermCredentials(TURN_USER, TURN_PASSWORD);
             IceSession turnkit = IceSession.open(config(IceRole.CONTROLLED), loopbackHost());
             WebRtcTestPage page = WebRtcTestPage.start(PAGE);
             Chromium chromium = Chromium.open(page.uri(relayQuery("offer", server)))) {
            String offer = page.awaitDescription(WAIT, chromium.process());
            turnkit.addRemoteDescription(loopbackIceLines(offer));
            page.sendDescription(sdp(turnkit.localDescription(WAIT), mid(offer), "passive"));

            assertRelayed(exchangeData(turnkit, page, chromium), server, CandidateType.HOST, chromium);
        }
    }

    /**
     * turnkit offers relayed candidates only, from its own allocation on the same TURN server, and the browser
     * answers relay-only: every check and datagram goes from one allocation to the other. The browser answers the
     * offer's {@code a=setup:actpass} as the DTLS client, so its ClientHello reaches turnkit through both relays.
     */
    @Test
    void shouldConnectTurnkitsRelayOnlyOfferToTheBrowsersRelayOnlyAnswer() throws Exception {
        try (TurnkitServer server = TurnkitServer.withLongTermCredentials(TURN_USER, TURN_PASSWORD);
             IceSession turnkit = IceSession.open(config(IceRole.CONTROLLING),
                     loopbackHost().withRelay(relay(server)).withRelayOnly(true));
             WebRtcTestPage page = WebRtcTestPage.start(PAGE);
             Chromium chromium = Chromium.open(page.uri(relayQuery("answer", server)))) {
            page.sendDescription(sdp(turnkit.localDescription(WAIT), "0", "actpass"));
            turnkit.addRemoteDescription(loopbackIceLines(page.awaitDescription(WAIT, chromium.process())));

            assertRelayed(exchangeData(turnkit, page, chromium), server, CandidateType.RELAYED, chromium);
        }
    }

    /**
     * The browser's offer answered by an agent on a one-port UDP mux, beside another agent on the same port. The
     * browser's host candidates are plain addresses (mDNS off), and the test gives the agent only those on
     * 127.0.0.1 (on a host with no other interface, there are none: the browser's checks then come from a loopback
     * address it never signalled), so the mux first meets the browser in a check whose USERNAME names the agent's
     * ufrag, and routes by the browser's address after that. Data both ways: the answer's {@code a=setup:passive} makes the browser the
     * DTLS client, whose ClientHello reaches the agent; what the agent sends, the browser's ICE layer counts on its
     * selected pair (DTLS then drops it). The other agent on the port gets nothing.
     */
    @Test
    void shouldConnectTheBrowserToAnAgentOnTheOnePortMux() throws Exception {
        int datagrams = 10;
        byte[] data = new byte[100];
        data[0] = DTLS_APPLICATION_DATA;
        try (IceDriver driver = IceDriver.create(1);
             UdpMux mux = driver.openUdpMux(new InetSocketAddress(LoopbackPorts.LOOPBACK, 0));
             IceSession bystander = IceSession.open(mux, config(IceRole.CONTROLLED), CandidateSources.HOST, l -> { });
             IceSession turnkit = IceSession.open(mux, config(IceRole.CONTROLLED), CandidateSources.HOST, l -> { });
             WebRtcTestPage page = WebRtcTestPage.start(PAGE);
             Chromium chromium = Chromium.open(page.uri(query("offer", datagrams * data.length)))) {
            String offer = page.awaitDescription(WAIT, chromium.process());
            turnkit.addRemoteDescription(loopbackIceLines(offer));
            page.sendDescription(sdp(turnkit.localDescription(WAIT), mid(offer), "passive"));

            IceEvent.SelectedPairChanged pair = turnkit.awaitSelected(WAIT);
            assertEquals(mux.localAddress(), pair.local().address(), "turnkit's local candidate is the mux's port");
            for (int i = 0; i < datagrams; i++) {
                turnkit.send(data);
            }
            Map<String, String> result = page.awaitResult(WAIT, chromium.process());
            assertConnected(result, turnkit, chromium);
            assertEquals(Integer.toString(datagrams * data.length), result.get("bytesReceived"),
                    "bytes the browser received on its selected pair");
            byte[] fromBrowser = turnkit.receive(WAIT);
            assertNotNull(fromBrowser, "nothing from the browser");
            assertEquals(DTLS_HANDSHAKE, fromBrowser[0], "the browser's ClientHello");
            assertNull(bystander.receive(Duration.ZERO), "the other agent on the port got data");
            assertEquals(IceConnectionState.NEW, bystander.state());
        }
    }

    /**
     * Chromium as it is by default, its host candidate hidden behind a {@code <uuid>.local} name
     * (draft-ietf-mmusic-mdns-ice-candidates), answered by an agent on a one-port UDP mux that resolves the name
     * with an mDNS query (RFC 6762) its responder answers. Chromium leaves loopback out and answers mDNS only on a
     * real interface, so both run in a network namespace the test creates, with a link of their own; the agent is a
     * process there ({@link MuxAgentProcess}), and the page reaches the test's HTTP server over the bridge.
     */
    @Test
    void shouldResolveTheBrowsersMdnsHostCandidateOnTheOnePortMux() throws Exception {
        int datagrams = 10;
        int bytes = 100;
        try (WebRtcTestPage page = WebRtcTestPage.start(PAGE)) {
            URI uri = page.uri(query("offer", datagrams * bytes));
            try (NamespaceBridge bridge = NamespaceBridge.open(List.of(uri.getPort()));
                 ExternalProcess agent = MuxAgentProcess.start(bridge, datagrams, bytes)) {
                agent.awaitLineContaining("a=end-of-candidates", WAIT);
                List<String> description = agent.output().lines().filter(l -> l.startsWith("a=")).toList();
                try (Chromium chromium = Chromium.openWithMdnsInNetworkNamespaceOf(agent.pid(), uri)) {
                    String offer = page.awaitDescription(WAIT, chromium.process());
                    List<String> hostCandidates = offer.lines()
                            .filter(l -> l.startsWith("a=candidate:") && l.contains(" typ host")).toList();
                    assertFalse(hostCandidates.isEmpty(), "no host candidate in the browser's offer: " + offer);
                    assertTrue(hostCandidates.stream().allMatch(l -> l.split(" ")[4].endsWith(".local")),
                            "the browser's host candidates are .local names only: " + hostCandidates);
                    iceLines(offer, line -> true).forEach(agent::writeLine);
                    // Only then the browser learns of the agent: its checks cannot come first, from an address the
                    // agent would know as peer-reflexive (RFC 8445 §7.3.1.3) until the name resolves.
                    agent.awaitLine(MuxAgentProcess.CHECKING::equals, "a resolved candidate", WAIT);
                    page.sendDescription(sdp(description, mid(offer), "passive"));

                    String selected = agent.awaitLine(l -> l.startsWith(MuxAgentProcess.SELECTED), "the pair", WAIT);
                    Map<String, String> result = page.awaitResult(WAIT, chromium.process());
                    String context = "page result " + result + chromium.process().describe() + agent.describe();
                    assertNull(result.get("error"), context);
                    int remoteStart = selected.indexOf(" candidate:", MuxAgentProcess.SELECTED.length()) + 1;
                    String[] remote = selected.substring(remoteStart).split(" ");
                    assertAll(context,
                            () -> assertTrue(List.of("connected", "completed")
                                    .contains(result.get("iceConnectionState")), "iceConnectionState"),
                            () -> assertEquals(MuxAgentProcess.LINK_IP, remote[4],
                                    "turnkit's remote is the browser's address, resolved: " + selected),
                            () -> assertEquals("host", remote[7], "turnkit's remote candidate type: " + selected),
                            // The browser's statistics show its own address hidden, as ":port".
                            () -> assertEquals(":" + remote[5], result.get("localAddress"),
                                    "the browser's local port is turnkit's remote's"),
                            () -> assertEquals(Integer.toString(datagrams * bytes), result.get("bytesReceived"),
                                    "bytes the browser received on its selected pair"));
                    agent.awaitLineContaining(MuxAgentProcess.RECEIVED + DTLS_HANDSHAKE, WAIT);
                    agent.awaitLineContaining(MuxAgentProcess.BYSTANDER + IceConnectionState.NEW + " 0", WAIT);
                }
            }
        }
    }

    /**
     * UDP blocked for real: the browser runs in a network namespace the test creates, whose only way out is a TCP
     * bridge to the page server's port and the agent's TCP mux port. The agent signals all its candidates, UDP
     * ones included, and the browser's checks to those reach nothing; its active TCP candidate connects (through the
     * bridge) to the agent's passive one, and the pair it selects is TCP, with data both ways.
     */
    @Test
    void shouldConnectOverIceTcpFromANetworkNamespaceWithNoUdpPath() throws Exception {
        try (IceDriver driver = IceDriver.create(1);
             IceSession turnkit = IceSession.open(driver, config(IceRole.CONTROLLED), loopbackHost().withTcp(true),
                     l -> { })) {
            connectOverIceTcpFromANetworkNamespace(turnkit, driver.tcpMux(LoopbackPorts.LOOPBACK).localAddress());
        }
    }

    /**
     * A media server's two ports: as above, but the agent is on a UDP mux, beside another agent, and its passive
     * candidate on the mux's TCP port, whose number (the UDP port's own) the server chose. The browser's connection
     * reaches the agent its first check names; the other agent on the ports gets nothing.
     */
    @Test
    void shouldConnectOverTheOnePortTcpMuxFromANetworkNamespaceWithNoUdpPath() throws Exception {
        int port = LoopbackPorts.freeUdpAndTcpPort();
        CandidateSources sources = CandidateSources.HOST.withTcp(true);
        try (IceDriver driver = IceDriver.create(1);
             UdpMux mux = driver.openUdpMux(new InetSocketAddress(LoopbackPorts.LOOPBACK, port))) {
            InetSocketAddress passive = mux.openTcpMux(new InetSocketAddress(LoopbackPorts.LOOPBACK, port))
                    .localAddress();
            try (IceSession bystander = IceSession.open(mux, config(IceRole.CONTROLLED), sources, l -> { });
                 IceSession turnkit = IceSession.open(mux, config(IceRole.CONTROLLED), sources, l -> { })) {
                bystander.localDescription(WAIT);
                connectOverIceTcpFromANetworkNamespace(turnkit, passive);
                assertNull(bystander.receive(Duration.ZERO), "the other agent on the ports got data");
                assertEquals(IceConnectionState.NEW, bystander.state());
            }
        }
    }

    /** The browser, in a namespace whose only way out is TCP to the page and to {@code passive}, connects to it. */
    private static void connectOverIceTcpFromANetworkNamespace(IceSession turnkit, InetSocketAddress passive)
            throws Exception {
        int datagrams = 10;
        byte[] data = new byte[100];
        data[0] = DTLS_APPLICATION_DATA;
        try (WebRtcTestPage page = WebRtcTestPage.start(PAGE)) {
            List<String> description = turnkit.localDescription(WAIT);
            assertTrue(description.stream().anyMatch(l -> l.startsWith("a=candidate:") && l.contains(" udp ")),
                    "the agent offers its UDP candidate too: " + description);
            URI uri = page.uri(query("offer", datagrams * data.length));
            try (NamespaceBridge bridge = NamespaceBridge.open(List.of(uri.getPort(), passive.getPort()));
                 Chromium chromium = Chromium.openInNetworkNamespace(uri, bridge)) {
                String offer = page.awaitDescription(WAIT, chromium.process());
                turnkit.addRemoteDescription(credentials(offer));
                page.sendDescription(sdp(description, mid(offer), "passive"));

                IceEvent.SelectedPairChanged pair = turnkit.awaitSelected(WAIT);
                for (int i = 0; i < datagrams; i++) {
                    turnkit.send(data);
                }
                Map<String, String> result = page.awaitResult(WAIT, chromium.process());
                assertIceTcp(result, chromium, pair, passive, datagrams * data.length);
                byte[] fromBrowser = turnkit.receive(WAIT);
                assertNotNull(fromBrowser, "nothing from the browser");
                assertEquals(DTLS_HANDSHAKE, fromBrowser[0], "the browser's ClientHello");
            }
        }
    }

    /** The browser selected a TCP pair to the agent's passive candidate, and counted the agent's data on it. */
    private static void assertIceTcp(Map<String, String> result, Chromium chromium, IceEvent.SelectedPairChanged pair,
            InetSocketAddress passive, int bytes) {
        String context = "page result " + result + chromium.process().describe();
        assertNull(result.get("error"), context);
        assertAll(context,
                () -> assertTrue(List.of("connected", "completed").contains(result.get("iceConnectionState"))),
                () -> assertEquals("tcp", result.get("localProtocol"), "the browser's local protocol"),
                () -> assertEquals("tcp", result.get("remoteProtocol"), "the browser's remote protocol"),
                () -> assertEquals(Addresses.format(passive), result.get("remoteAddress"),
                        "the browser's remote is the agent's passive candidate"),
                () -> assertEquals(passive, pair.local().address(), "turnkit's local is its passive candidate"),
                () -> assertEquals("active", pair.remote().tcpType(), "turnkit's remote connected to it"),
                () -> assertEquals(Integer.toString(bytes), result.get("bytesReceived"),
                        "bytes the browser received on its selected pair"));
    }

    /** What crossed the relay, on each side, once both agents selected their pair. */
    private record RelayedExchange(Map<String, String> result, IceEvent.SelectedPairChanged pair,
                                   byte[] fromBrowser) {
    }

    /**
     * Waits for turnkit's selected pair, sends the browser {@value #RELAYED_DATAGRAMS} datagrams on it, and waits for
     * the page's result (which counts them) and the browser's first datagram. If turnkit selects nothing, the
     * failure says what the page saw (it gives up before the test does).
     */
    private static RelayedExchange exchangeData(IceSession turnkit, WebRtcTestPage page, Chromium chromium)
            throws Exception {
        byte[] data = new byte[RELAYED_DATAGRAM_SIZE];
        data[0] = DTLS_APPLICATION_DATA;
        IceEvent.SelectedPairChanged pair;
        try {
            pair = turnkit.awaitSelected(WAIT);
        } catch (TimeoutException e) {
            throw new AssertionError("turnkit selected no pair; page result "
                    + page.awaitResult(WAIT, chromium.process()) + chromium.process().describe(), e);
        }
        for (int i = 0; i < RELAYED_DATAGRAMS; i++) {
            turnkit.send(data);
        }
        Map<String, String> result = page.awaitResult(WAIT, chromium.process());
        return new RelayedExchange(result, pair, turnkit.receive(WAIT));
    }

    /**
     * The browser reached connected on a pair whose local candidate is relayed (over UDP to the TURN server), both
     * ends agree on that pair, turnkit's remote is a relayed address of the server, turnkit's local is of {@code
     * turnkitLocal}'s type, and data crossed both ways.
     */
    private static void assertRelayed(RelayedExchange exchange, TurnkitServer server, CandidateType turnkitLocal,
            Chromium chromium) {
        Map<String, String> result = exchange.result();
        IceEvent.SelectedPairChanged pair = exchange.pair();
        String context = "page result " + result + chromium.process().describe() + server.describe();
        assertNull(result.get("error"), context);
        PortRange relayPorts = server.relayPorts();
        int remotePort = pair.remote().address().getPort();
        assertAll(context,
                () -> assertTrue(List.of("connected", "completed").contains(result.get("iceConnectionState"))),
                () -> assertEquals("relay", result.get("localType"), "the browser's local candidate type"),
                () -> assertEquals("udp", result.get("localRelayProtocol"), "the browser's protocol to the server"),
                () -> assertEquals(turnkitLocal.sdpName(), result.get("remoteType"),
                        "the browser's remote candidate type"),
                () -> assertEquals(turnkitLocal, pair.local().type(), "turnkit's local candidate type"),
                () -> assertEquals(CandidateType.RELAYED, pair.remote().type(), "turnkit's remote candidate type"),
                () -> assertEquals(LoopbackPorts.LOOPBACK, pair.remote().address().getAddress(), "turnkit's remote"),
                () -> assertTrue(remotePort >= relayPorts.min() && remotePort <= relayPorts.max(),
                        "turnkit's remote port " + remotePort + " is not in the server's relay range " + relayPorts),
                () -> assertEquals(Addresses.format(pair.local().address()), result.get("remoteAddress"),
                        "the browser's remote is turnkit's local"),
                () -> assertEquals(Addresses.format(pair.remote().address()), result.get("localAddress"),
                        "turnkit's remote is the browser's local"),
                () -> assertEquals(Integer.toString(RELAYED_BYTES), result.get("bytesReceived"),
                        "bytes the browser received on its selected pair"),
                () -> assertNotNull(exchange.fromBrowser(), "nothing from the browser"),
                () -> assertEquals(DTLS_HANDSHAKE, exchange.fromBrowser()[0], "the browser's ClientHello"));
    }

    /** The server's {@code turn:} URI over UDP (RFC 7065 §3.1), for both agents. */
    private static String turnUri(TurnkitServer server) {
        return "turn:" + LoopbackPorts.LOOPBACK_IP + ":" + server.port() + "?transport=udp";
    }

    private static RelayServer relay(TurnkitServer server) {
        return new RelayServer(ServerUri.parseTurn(turnUri(server)), TURN_USER, TURN_PASSWORD);
    }

    /** The page's query for relay-only, through the server with its credentials. */
    private static Map<String, String> relayQuery(String role, TurnkitServer server) {
        return Map.of("role", role, "timeoutMs", Long.toString(PAGE_TIME_LIMIT.toMillis()),
                "bytesReceived", Integer.toString(RELAYED_BYTES),
                "turn", turnUri(server), "username", TURN_USER, "credential", TURN_PASSWORD);
    }

    /** The browser's credentials and end-of-candidates, none of its candidates. */
    private static List<String> credentials(String sdp) {
        return iceLines(sdp, line -> false);
    }

    /**
     * The browser's credentials, its candidate lines that {@code wanted} accepts, then end-of-candidates: the page
     * sends its description once gathering is complete.
     */
    private static List<String> iceLines(String sdp, Predicate<String> wanted) {
        List<String> lines = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            boolean credential = line.startsWith("a=ice-ufrag:") || line.startsWith("a=ice-pwd:");
            if (credential || line.startsWith("a=candidate:") && wanted.test(line)) {
                lines.add(line);
            }
        }
        lines.add("a=end-of-candidates");
        return lines;
    }

    private static IceConfig config(IceRole role) {
        return IceConfig.builder().role(role).build();
    }

    private static CandidateSources loopbackHost() {
        return CandidateSources.HOST.withHostAddresses(LoopbackPorts.LOOPBACK);
    }

    private static Map<String, String> query(String role) {
        return Map.of("role", role, "timeoutMs", Long.toString(PAGE_TIME_LIMIT.toMillis()));
    }

    private static Map<String, String> query(String role, int bytesReceived) {
        return Map.of("role", role, "timeoutMs", Long.toString(PAGE_TIME_LIMIT.toMillis()),
                "bytesReceived", Integer.toString(bytesReceived));
    }

    /**
     * The browser's credentials and its UDP candidates on 127.0.0.1 (it may also have others, on interfaces the
     * tests send nothing to), then end-of-candidates.
     */
    private static List<String> loopbackIceLines(String sdp) {
        return iceLines(sdp, line -> line.contains(" udp ") && line.contains(" " + LoopbackPorts.LOOPBACK_IP + " "));
    }

    private static String mid(String sdp) {
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("a=mid:")) {
                return line.substring("a=mid:".length());
            }
        }
        throw new AssertionError("no a=mid in the browser's description: " + sdp);
    }

    /**
     * A session description of one data channel m-line (RFC 8841) around turnkit's ICE lines (RFC 8839), with
     * {@code a=setup:}{@code setup} (RFC 8842): in an answer, {@code active} makes turnkit the DTLS client, so the
     * browser waits for a handshake that never comes, and {@code passive} makes the browser the client, which sends
     * its ClientHello; in the offer, {@code actpass} lets the browser choose.
     */
    private static String sdp(List<String> iceLines, String mid, String setup) {
        List<String> lines = new ArrayList<>(List.of(
                "v=0",
                "o=- 1 1 IN IP4 " + LoopbackPorts.LOOPBACK_IP,
                "s=-",
                "t=0 0",
                "a=group:BUNDLE " + mid,
                "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
                "c=IN IP4 0.0.0.0",
                "a=mid:" + mid,
                "a=ice-options:trickle",
                FINGERPRINT,
                "a=setup:" + setup,
                "a=sctp-port:5000"));
        lines.addAll(iceLines);
        return String.join("\r\n", lines) + "\r\n";
    }

    /**
     * The browser reached connected, and both ends selected the same pair, on loopback. Chromium signals host
     * candidates on its other interfaces only (those the test leaves out); its checks to turnkit's 127.0.0.1
     * candidate come from a loopback address it never signalled, which both ends then know as peer-reflexive
     * (RFC 8445 §7.2.5.3.1 on the browser's side, §7.3.1.3 on turnkit's).
     */
    private static void assertConnected(Map<String, String> result, IceSession turnkit, Chromium chromium)
            throws Exception {
        String context = "page result " + result + chromium.process().describe();
        assertNull(result.get("error"), context);
        IceEvent.SelectedPairChanged pair = turnkit.awaitSelected(WAIT);
        String state = result.get("iceConnectionState");
        assertAll(context,
                () -> assertTrue(state.equals("connected") || state.equals("completed"), "iceConnectionState " + state),
                () -> assertTrue(List.of("host", "prflx").contains(result.get("localType")),
                        "the browser's local candidate type " + result.get("localType")),
                () -> assertEquals("host", result.get("remoteType"), "the browser's remote candidate type"),
                () -> assertEquals(CandidateType.HOST, pair.local().type(), "turnkit's local candidate type"),
                () -> assertTrue(List.of(CandidateType.HOST, CandidateType.PEER_REFLEXIVE)
                        .contains(pair.remote().type()), "turnkit's remote candidate type " + pair.remote().type()),
                () -> assertEquals(LoopbackPorts.LOOPBACK, pair.remote().address().getAddress(), "turnkit's remote"),
                () -> assertEquals(Addresses.format(pair.local().address()), result.get("remoteAddress"),
                        "the browser's remote is turnkit's local"),
                () -> assertEquals(Addresses.format(pair.remote().address()), result.get("localAddress"),
                        "turnkit's remote is the browser's local"));
    }
}
