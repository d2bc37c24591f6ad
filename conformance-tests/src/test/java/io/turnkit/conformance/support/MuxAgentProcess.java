package io.turnkit.conformance.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.turnkit.ice.agent.IceConfig;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceEvent;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.driver.CandidateSources;
import io.turnkit.ice.driver.IceDriver;
import io.turnkit.ice.driver.IceSession;
import io.turnkit.ice.driver.UdpMux;
import io.turnkit.ice.sdp.CandidateSdp;

/**
 * A controlled agent on a one-port UDP mux, beside a bystander agent on the same port, in a process of its own: a
 * test's JVM cannot enter the network namespace a browser runs in, so the test starts this there. Its mDNS is on:
 * it resolves the browser's {@code .local} candidates and hides its own host address behind a name it answers.
 *
 * <p>Arguments: the mux's IP address, then how many datagrams of how many bytes to send once a pair is selected.
 * Prints its ICE lines up to {@code a=end-of-candidates}, reads the peer's up to the same, prints {@code checking}
 * once it has a candidate pair (before the peer has its description, only from a candidate it resolved), then {@code
 * selected: <local candidate> <remote candidate>}, sends the datagrams (the first byte of each 23, DTLS application
 * data), and prints {@code received: <first byte>} of the first datagram the peer sends and {@code bystander:
 * <state> <datagrams received>}. It exits at the end of its input.
 */
public final class MuxAgentProcess {
    public static final String SELECTED = "selected: ";
    public static final String CHECKING = "checking";
    public static final String RECEIVED = "received: ";
    public static final String BYSTANDER = "bystander: ";
    private static final String END_OF_CANDIDATES = "a=end-of-candidates";
    /** RFC 6347 §4.1: a DTLS application data record, which the browser's ICE layer counts and DTLS drops. */
    private static final byte DTLS_APPLICATION_DATA = 23;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The address of the namespace's link, where the browser gathers its host candidate and the mux listens. */
    public static final String LINK_IP = "10.0.0.1";
    /**
     * A veth pair with a default route: Chromium gathers on the interface of the default route only, never on
     * loopback (without {@code --allow-loopback-in-peer-connection}), and its mDNS responder does not start without
     * such an interface. Multicast to 224.0.0.251 sent on it is looped back to the namespace's own sockets.
     */
    private static final String LINK = "ip link add veth0 type veth peer name veth1\n"
            + "ip addr add " + LINK_IP + "/24 dev veth0 && ip addr add 10.0.0.2/24 dev veth1\n"
            + "ip link set veth0 up && ip link set veth1 up && ip route add default via 10.0.0.2 dev veth0 || exit 1\n";

    private MuxAgentProcess() {
    }

    /**
     * This agent in a new network namespace ({@code unshare --user --map-root-user --net}) with the link above and
     * {@code bridge}'s ports, sending {@code datagrams} of {@code bytes} once selected.
     */
    public static ExternalProcess start(NamespaceBridge bridge, int datagrams, int bytes) {
        List<String> command = new ArrayList<>(bridge.namespaceCommand(LINK));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), MuxAgentProcess.class.getName(), LINK_IP,
                Integer.toString(datagrams), Integer.toString(bytes)));
        return ExternalProcess.start("turnkit mux agent", command);
    }

    public static void main(String[] args) throws Exception {
        InetAddress ip = InetAddress.getByName(args[0]);
        int datagrams = Integer.parseInt(args[1]);
        byte[] data = new byte[Integer.parseInt(args[2])];
        data[0] = DTLS_APPLICATION_DATA;
        CompletableFuture<Void> checking = new CompletableFuture<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (IceDriver driver = IceDriver.create(1);
             UdpMux mux = driver.openUdpMux(new InetSocketAddress(ip, 0));
             IceSession bystander = IceSession.open(mux, controlled(), CandidateSources.HOST, l -> { });
             IceSession agent = IceSession.open(mux, controlled(), CandidateSources.HOST.withMdns(true),
                     l -> {
                         System.err.println("agent: " + l);
                         if (l.equals("state " + IceConnectionState.CHECKING)) {
                             checking.complete(null);
                         } else if (l.equals("state " + IceConnectionState.FAILED)) {
                             checking.completeExceptionally(new IllegalStateException("no candidate pair: " + l));
                         }
                     })) {
            agent.localDescription(WAIT).forEach(MuxAgentProcess::print);
            List<String> remote = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.equals(END_OF_CANDIDATES); line = in.readLine()) {
                remote.add(line);
            }
            remote.add(END_OF_CANDIDATES);
            agent.addRemoteDescription(remote);
            // The peer knows nothing of this agent yet, so no check of its can have made a pair: the first pair,
            // and with it the checking state, comes from a candidate the agent resolved.
            checking.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            print(CHECKING);
            IceEvent.SelectedPairChanged pair = agent.awaitSelected(WAIT);
            print(SELECTED + CandidateSdp.format(pair.local()) + " " + CandidateSdp.format(pair.remote()));
            for (int i = 0; i < datagrams; i++) {
                agent.send(data);
            }
            byte[] received = agent.receive(WAIT);
            print(RECEIVED + (received == null ? "none" : Byte.toString(received[0])));
            print(BYSTANDER + bystander.state() + " " + (bystander.receive(Duration.ZERO) == null ? 0 : 1));
            while (in.readLine() != null) {
                // Closed by the test: its end of input ends the agents.
            }
        }
    }

    /** A config of its own for each agent: each draws its own credentials from its config's random source. */
    private static IceConfig controlled() {
        return IceConfig.builder().role(IceRole.CONTROLLED).build();
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
