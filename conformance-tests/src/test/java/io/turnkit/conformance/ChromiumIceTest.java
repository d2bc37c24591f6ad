package io.turnkit.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnkit.conformance.support.Chromium;
import io.turnkit.conformance.support.LoopbackPorts;
import io.turnkit.conformance.support.WebRtcTestPage;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.driver.CandidateSources;
import io.turnkit.ice.driver.IceSession;
import io.turnkit.ice.stun.Addresses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * turnkit's ICE agent (in process, on the driver, host candidates on 127.0.0.1) against headless Chromium's: the
 * browser offers and turnkit answers, then the reverse. The test carries the session descriptions between the page
 * and the agent: the browser's ICE lines to the agent, and an SDP it builds around the agent's ICE lines to the
 * browser. Only ICE is tested: the browser's {@code iceConnectionState} reaches {@code connected} and both sides
 * select the same pair. A data channel would need DTLS and SCTP, which turnkit's agent does not speak, so the
 * answer makes turnkit the DTLS client (which never sends a handshake) and no data channel opens.
 */
class ChromiumIceTest {
    private static final String PAGE = "ice-connectivity.html";
    /** The page gives up after this; the test waits longer, for Chromium's start. */
    private static final Duration PAGE_TIME_LIMIT = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A well-formed fingerprint of no certificate: the browser checks it in a DTLS handshake, which never runs. */
    private static final String FINGERPRINT = "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB";

    @Test
    void shouldConnectTheBrowsersOfferToTurnkitsAnswer() throws Exception {
        try (IceSession turnkit = IceSession.open(config(IceRole.CONTROLLED), loopbackHost());
             WebRtcTestPage page = WebRtcTestPage.start(PAGE);
             Chromium chromium = Chromium.open(page.uri(query("offer")))) {
            String offer = page.awaitDescription(WAIT, chromium.process());
            turnkit.addRemoteDescription(loopbackIceLines(offer));
            page.sendDescription(sdp(turnkit.localDescription(WAIT), mid(offer), "answer"));

            assertConnected(page.awaitResult(WAIT, chromium.process()), turnkit, chromium);
        }
    }

    @Test
    void shouldConnectTurnkitsOfferToTheBrowsersAnswer() throws Exception {
        try (IceSession turnkit = IceSession.open(config(IceRole.CONTROLLING), loopbackHost());
             WebRtcTestPage page = WebRtcTestPage.start(PAGE);
             Chromium chromium = Chromium.open(page.uri(query("answer")))) {
            page.sendDescription(sdp(turnkit.localDescription(WAIT), "0", "offer"));
            turnkit.addRemoteDescription(loopbackIceLines(page.awaitDescription(WAIT, chromium.process())));

            assertConnected(page.awaitResult(WAIT, chromium.process()), turnkit, chromium);
        }
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

    /**
     * The browser's credentials and its UDP candidates on 127.0.0.1 (it may also have others, on interfaces the
     * tests send nothing to), then end-of-candidates: the page sends its description once gathering is complete.
     */
    private static List<String> loopbackIceLines(String sdp) {
        List<String> lines = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            boolean credential = line.startsWith("a=ice-ufrag:") || line.startsWith("a=ice-pwd:");
            boolean loopbackCandidate = line.startsWith("a=candidate:") && line.contains(" udp ")
                    && line.contains(" " + LoopbackPorts.LOOPBACK_IP + " ");
            if (credential || loopbackCandidate) {
                lines.add(line);
            }
        }
        lines.add("a=end-of-candidates");
        return lines;
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
     * A session description of one data channel m-line (RFC 8841) around turnkit's ICE lines (RFC 8839). The
     * answer's {@code a=setup:active} makes turnkit the DTLS client (RFC 8842), so the browser waits for a handshake
     * that never comes; in the offer, {@code actpass} lets the browser choose.
     */
    private static String sdp(List<String> iceLines, String mid, String type) {
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
                type.equals("answer") ? "a=setup:active" : "a=setup:actpass",
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
